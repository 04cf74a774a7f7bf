/**
 * The import rules of the service (docs/ARCHITECTURE.md, "Floors"). `npm run check` runs
 * dependency-cruiser with this file over src/ and emulator/; a forbidden import fails the check.
 * Type-only imports count like any other.
 */
/** Which module owns which table: only the owner imports its row types (and writes the table). */
const TABLE_OWNERS = {
  users: 'users',
  'oauth-states': 'connections',
  connections: 'connections',
  calendars: 'calendars',
  'skipped-events': 'calendars',
  events: 'events',
  companies: 'crm',
  contacts: 'crm',
  deals: 'crm',
  activities: 'crm',
  notifications: 'notifications',
  'notification-stream-tickets': 'notifications',
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-is-pure',
      severity: 'error',
      comment: 'src/kernel holds pure rules and value types: it imports nothing else from src/.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'adapters-below-modules',
      severity: 'error',
      comment: 'src/adapters imports only the kernel and other adapters.',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(modules|app)/' },
    },
    {
      name: 'modules-below-app',
      severity: 'error',
      comment: 'Modules never import the composition root, routes, CLI or jobs.',
      from: { path: '^src/modules/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'module-public-face',
      severity: 'error',
      comment: 'Another module is reached through its index.ts only.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'app-uses-module-faces',
      severity: 'error',
      comment: 'The app composes modules through their index.ts.',
      from: { path: '^src/app/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'google-client-only-in-adapter',
      severity: 'error',
      comment: 'Only src/adapters/google imports the official Google client libraries.',
      from: { path: '^src/', pathNot: '^src/adapters/google/' },
      to: { path: 'node_modules/(@googleapis/calendar|google-auth-library)/' },
    },
    ...Object.entries(TABLE_OWNERS).map(([table, owner]) => ({
      name: `table-owner-${table}`,
      severity: 'error',
      comment: `The ${table} table's row types belong to src/modules/${owner}; others use its index.ts.`,
      from: { path: '^src/', pathNot: [`^src/modules/${owner}/`, '^src/adapters/db/'] },
      to: { path: `^src/adapters/db/tables/${table}\\.ts$` },
    })),
    {
      name: 'emulator-stands-alone',
      severity: 'error',
      comment: 'The emulator imports nothing from the service (it must not share the code it tests).',
      from: { path: '^emulator/' },
      to: { path: '^src/' },
    },
    {
      name: 'service-uses-emulator-face',
      severity: 'error',
      comment: 'The service starts the bundled emulator through emulator/index.ts, nothing deeper.',
      from: { path: '^src/' },
      to: { path: '^emulator/', pathNot: '^emulator/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|\\.fixtures\\.ts$|^emulator/test/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
