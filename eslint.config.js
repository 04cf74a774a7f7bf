// @ts-check
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Which module owns which table (docs/ARCHITECTURE.md, "Folders and floors": the module table).
 * SQL on a table lives only in its owner; every other module calls a repository the owner
 * exports from its index.ts. dependency-cruiser guards the row types (`table-owner-*` in
 * .dependency-cruiser.cjs); the rules built from this map guard the statements.
 */
const TABLE_OWNERS = {
  'src/modules/users': ['users'],
  'src/modules/connections': ['connections', 'oauth_states'],
  'src/modules/calendars': ['calendars', 'skipped_events'],
  'src/modules/events': ['events'],
  'src/modules/crm': ['companies', 'contacts', 'deals', 'activities'],
  'src/modules/notifications': ['notifications', 'notification_stream_tickets'],
  'src/adapters/google': ['google_request_budget'],
};
/** Where SQL on any table may stand: migrations create the tables; tests and benchmarks check them. */
const TABLE_RULE_EXEMPT = [
  'src/adapters/db/migrations/**',
  '**/*.test.ts',
  'test/**',
  'bench/**',
  'emulator/test/**',
];
const STATEMENTS = 'selectFrom|insertInto|updateTable|deleteFrom|mergeInto';
const JOINS = 'innerJoin|leftJoin|rightJoin|fullJoin|innerJoinLateral|leftJoinLateral';

/** `'name'` or `'name as alias'`, the first argument of a Kysely query-builder call. */
const tableArgument = (tables) => `[arguments.0.value=/^(${tables.join('|')})(\\s+as\\s+\\w+)?$/]`;

/**
 * The no-restricted-syntax entries for code in `area`: no statement on a table it does not own,
 * and a join of such a table only in a read-only query whose main table (selectFrom) it owns.
 */
function tableRules(area) {
  const own = TABLE_OWNERS[area] ?? [];
  const where = 'docs/ARCHITECTURE.md, "Folders and floors"';
  const rules = [];
  for (const [owner, tables] of Object.entries(TABLE_OWNERS)) {
    if (owner === area) continue;
    for (const table of tables) {
      rules.push({
        selector: `CallExpression[callee.property.name=/^(${STATEMENTS})$/]${tableArgument([table])}`,
        message: `SQL on '${table}' belongs to ${owner} (${where}): call a repository its index.ts exports.`,
      });
      rules.push({
        selector:
          `CallExpression[callee.property.name=/^(${JOINS})$/]${tableArgument([table])}` +
          (own.length === 0
            ? ''
            : `:not(:has(CallExpression[callee.property.name='selectFrom']${tableArgument(own)}))`),
        message: `A join of '${table}' (owner: ${owner}) stands only in a read-only query on a table of this module (${where}); otherwise the query belongs to ${owner}.`,
      });
      rules.push({
        selector: `TaggedTemplateExpression[tag.name='sql'] TemplateElement[value.raw=/\\b(from|join|update|into)\\s+"?${table}"?\\b/i]`,
        message: `SQL on '${table}' belongs to ${owner} (${where}): call a repository its index.ts exports.`,
      });
    }
  }
  return rules;
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'web/dist/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // One owner per table: each file gets the table rules of exactly one area (an owner, or the rest).
  ...Object.keys(TABLE_OWNERS).map((area) => ({
    files: [`${area}/**/*.ts`],
    ignores: TABLE_RULE_EXEMPT,
    rules: { 'no-restricted-syntax': ['error', ...tableRules(area)] },
  })),
  {
    files: ['**/*.ts'],
    ignores: [...Object.keys(TABLE_OWNERS).map((area) => `${area}/**`), ...TABLE_RULE_EXEMPT],
    rules: { 'no-restricted-syntax': ['error', ...tableRules(null)] },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**', 'emulator/test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
