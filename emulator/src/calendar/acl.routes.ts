import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import { collectionEtag, quotedEtag } from '../ids.js';
import { isValidEmail, normalizeEmail } from '../state/directory.js';
import type { CalendarRecord, EmulatorState } from '../state/emulator-state.js';
import { addToCalendarList, removeFromCalendarList } from '../state/list-membership.js';
import type { AclGrant, AclRole } from '../state/types.js';
import { accessCalendar, isAclRole } from './calendar-access.js';
import { isObject } from './event-input-parts.js';
import { calendarRoute } from './route-kit.js';

/** acl.list pages: 100 rules by default, never more than 250 (discovery document). */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 250;

interface RuleView {
  email: string;
  role: AclRole;
  seq: number;
}

/** An `AclRule` of `user` scope; its id is `user:<email>` as Google names such rules. */
function renderRule(rule: RuleView): Record<string, unknown> {
  return {
    kind: 'calendar#aclRule',
    etag: quotedEtag(`acl${rule.seq}`),
    id: `user:${rule.email}`,
    scope: { type: 'user', value: rule.email },
    role: rule.role,
  };
}

/** The owner's own rule first (Google always lists it), then the calendar's grants. */
function rulesOf(calendar: CalendarRecord): RuleView[] {
  const owner = { email: calendar.meta.ownerEmail, role: 'owner' as const, seq: calendar.meta.seq };
  return [owner, ...(calendar.meta.acl ?? [])];
}

function findRule(calendar: CalendarRecord, ruleId: string): RuleView {
  const match = /^user:(.+)$/.exec(ruleId);
  const email = match?.[1] ? normalizeEmail(match[1]) : undefined;
  const rule = email === undefined ? undefined : rulesOf(calendar).find((r) => r.email === email);
  if (!rule) throw googleErrors.notFound();
  return rule;
}

/** Reads `{role, scope: {type: 'user', value}}`; other scope types are not emulated. */
function readRuleBody(body: unknown): { email: string; role: AclRole } {
  if (body === undefined) throw googleErrors.required('Required request body is missing.');
  if (!isObject(body)) throw googleErrors.badRequest('The request body must be a JSON object.');
  const role = body.role;
  if (role === undefined || role === null || role === '') throw googleErrors.required('Missing role.');
  if (!isAclRole(role)) throw googleErrors.invalid('Invalid role value.');
  const scope = body.scope;
  if (scope === undefined || scope === null) throw googleErrors.required('Missing scope.');
  if (!isObject(scope)) throw googleErrors.invalid('Invalid scope value.');
  if (scope.type === undefined || scope.type === null || scope.type === '')
    throw googleErrors.required('Missing scope type.');
  if (scope.type !== 'user') throw googleErrors.invalid('Invalid scope type: only "user" is emulated.');
  if (typeof scope.value !== 'string' || scope.value === '')
    throw googleErrors.required('Missing scope value.');
  const email = normalizeEmail(scope.value);
  if (!isValidEmail(email)) throw googleErrors.invalid('Invalid scope value.');
  return { email, role };
}

function readPageStart(token: string | undefined): number {
  if (token === undefined) return 0;
  const start = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw googleErrors.invalid('Invalid page token.', 'pageToken');
  return start;
}

/**
 * acl.list / get / insert / delete for `user` scopes. Reading the rules needs writer or owner
 * (Google: a writer "provides read access to the calendar's ACLs"); changing them needs owner.
 * A rule for an emulated user puts the calendar in that user's calendar list with that role.
 */
export function registerAclRoutes(app: FastifyInstance, state: EmulatorState): void {
  const base = 'calendars/:calendarId/acl';
  calendarRoute(app, state, {
    method: 'GET',
    url: base,
    methodId: 'calendar.acl.list',
    params: {
      maxResults: { type: 'integer', min: 1 },
      pageToken: { type: 'string' },
      showDeleted: { type: 'boolean' },
    },
    handler: (ctx) => {
      const { calendar } = accessCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      const rules = rulesOf(calendar);
      const start = readPageStart(ctx.query.str('pageToken'));
      const size = Math.min(ctx.query.int('maxResults') ?? DEFAULT_PAGE, MAX_PAGE);
      const page = rules.slice(start, start + size);
      const etagSeq = rules.reduce((max, rule) => Math.max(max, rule.seq), 0);
      const out: Record<string, unknown> = { kind: 'calendar#acl', etag: collectionEtag(etagSeq) };
      if (start + size < rules.length) {
        out.nextPageToken = Buffer.from(String(start + size)).toString('base64url');
      }
      out.items = page.map(renderRule);
      return out;
    },
  });
  calendarRoute(app, state, {
    method: 'GET',
    url: `${base}/:ruleId`,
    methodId: 'calendar.acl.get',
    params: {},
    handler: (ctx) => {
      const { calendar } = accessCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'writer');
      return renderRule(findRule(calendar, ctx.params.ruleId ?? ''));
    },
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: base,
    methodId: 'calendar.acl.insert',
    params: { sendNotifications: { type: 'boolean' } },
    handler: (ctx) => {
      const { calendar } = accessCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'owner');
      const { email, role } = readRuleBody(ctx.body);
      if (email === calendar.meta.ownerEmail)
        throw googleErrors.forbidden("The owner's access to the calendar cannot be changed.");
      // Inserting a rule for a scope that already has one replaces its role, as on Google.
      const grants = (calendar.meta.acl ?? []).filter((grant) => grant.email !== email);
      const isNew = grants.length === (calendar.meta.acl ?? []).length;
      const grant: AclGrant = { email, role, seq: state.nextSeq() };
      calendar.meta.acl = [...grants, grant];
      calendar.meta.seq = state.nextSeq();
      // A new share puts the calendar on the grantee's list; a changed role is a read-only field
      // of their entry, which the list's sync does not report.
      if (isNew) addToCalendarList(state, email, calendar.meta.id);
      return renderRule(grant);
    },
  });
  calendarRoute(app, state, {
    method: 'DELETE',
    url: `${base}/:ruleId`,
    methodId: 'calendar.acl.delete',
    params: {},
    noContent: true,
    handler: (ctx) => {
      const { calendar } = accessCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'owner');
      const rule = findRule(calendar, ctx.params.ruleId ?? '');
      if (rule.email === calendar.meta.ownerEmail)
        throw googleErrors.forbidden("The owner's access to the calendar cannot be removed.");
      calendar.meta.acl = (calendar.meta.acl ?? []).filter((grant) => grant.email !== rule.email);
      calendar.meta.seq = state.nextSeq();
      removeFromCalendarList(state, rule.email, calendar.meta.id);
      return undefined;
    },
  });
}
