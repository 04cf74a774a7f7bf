import { randomUUID } from 'node:crypto';
import { CRM_USERS, isCrmUser, type CrmUserName, type Model, type ModelEvent } from '../model.js';
import { ModelCommand, choose, isActive, targets, type Real } from './base.js';

/** Faults between commands, the connection's lifecycle, worker restarts, quiet points and bad input. */

/** Google methods the service calls while syncing. */
export const SERVICE_METHODS = [
  'calendar.events.list',
  'calendar.events.insert',
  'calendar.events.patch',
  'calendar.events.update',
  'calendar.events.delete',
  'calendar.events.get',
  'calendar.events.instances',
] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

export type FaultSpec =
  | { kind: 'status'; status: 429 | 403 | 500 | 503; method: ServiceMethod; count: number }
  | { kind: 'hang'; ms: number; method: ServiceMethod }
  | {
      kind: 'applyThenDrop';
      method: 'calendar.events.insert' | 'calendar.events.patch' | 'calendar.events.delete';
    }
  | { kind: 'webhook'; action: 'drop' | 'duplicate' | 'reorder' | 'delay'; count: number }
  | { kind: 'expireSyncTokens' };

function faultName(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'status':
      return `${spec.status} x${spec.count} on ${spec.method.replace('calendar.', '')}`;
    case 'hang':
      return `hang ${spec.ms}ms on ${spec.method.replace('calendar.', '')}`;
    case 'applyThenDrop':
      return `answer lost on ${spec.method.replace('calendar.', '')}`;
    case 'webhook':
      return `webhook ${spec.action} x${spec.count}`;
    case 'expireSyncTokens':
      return 'sync tokens expired (410)';
  }
}

/** Arms a fault for the service's next matching Google calls (never the test's own, see World). */
export class InjectFault extends ModelCommand {
  readonly name = 'fault';
  constructor(readonly spec: FaultSpec) {
    super();
  }

  check(): boolean {
    return true;
  }

  protected async act(_m: Model, r: Real): Promise<void> {
    const { world } = r;
    const spec = this.spec;
    r.stats.fault(
      spec.kind === 'status'
        ? `status ${spec.status}`
        : spec.kind === 'webhook'
          ? `webhook ${spec.action}`
          : spec.kind,
    );
    const match = { method: 'method' in spec ? spec.method : undefined, path: world.servicePathPattern() };
    switch (spec.kind) {
      case 'status':
        await world.admin('POST', '/faults', { match, count: spec.count, action: { status: spec.status } });
        return;
      case 'hang':
        await world.admin('POST', '/faults', { match, count: 1, action: { hangMs: spec.ms } });
        return;
      case 'applyThenDrop':
        await world.admin('POST', '/faults', { match, count: 1, action: { applyThenDrop: true } });
        return;
      case 'webhook': {
        const webhook = spec.action === 'delay' ? { delayMs: 700 } : { [spec.action]: true };
        await world.admin('POST', '/faults', { webhook, count: spec.count });
        return;
      }
      case 'expireSyncTokens':
        await world.admin('POST', '/sync-tokens/expire');
        return;
    }
  }

  toString(): string {
    return `Fault(${faultName(this.spec)})`;
  }
}

/** The user revokes the CRM's access in their Google account. */
export class RevokeGrant extends ModelCommand {
  readonly name = 'connection.revoke';
  constructor(readonly user: CrmUserName) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return m.connection[this.user] === 'active';
  }

  protected async act(m: Model, r: Real): Promise<void> {
    await r.world.admin('POST', `/users/${encodeURIComponent(r.world.users[this.user].email)}/revoke`);
    r.world.forgetGoogleClient(this.user);
    m.connection[this.user] = 'revoked';
  }

  toString(): string {
    return `RevokeGrant(${this.user})`;
  }
}

/** The user connects Google Calendar again (same account) through the OAuth flow. */
export class Reconnect extends ModelCommand {
  readonly name = 'connection.reconnect';
  constructor(readonly user: CrmUserName) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return m.connection[this.user] !== 'active';
  }

  protected async act(m: Model, r: Real): Promise<void> {
    await r.world.connect(this.user);
    m.connection[this.user] = 'active';
  }

  toString(): string {
    return `Reconnect(${this.user})`;
  }
}

/** The user disconnects Google Calendar in the CRM, after their pending changes reached Google. */
export class Disconnect extends ModelCommand {
  readonly name = 'connection.disconnect';
  constructor(
    readonly user: CrmUserName,
    readonly purge: boolean,
  ) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    // A purge cancels the user's meetings: the activities of attendee-linked ones are known defect #8 item 3.
    return m.connection[this.user] === 'active' && (!this.purge || m.gates.knownDefects);
  }

  protected async act(m: Model, r: Real): Promise<void> {
    await r.world.idle(CRM_USERS.filter((u) => m.connection[u] === 'active'));
    const res = await r.world.crm(
      this.user,
      'DELETE',
      `/integrations/calendar${this.purge ? '?purge=true' : ''}`,
    );
    if (res.status !== 200) throw new Error(`disconnect answered ${res.status}: ${JSON.stringify(res.body)}`);
    m.connection[this.user] = 'disconnected';
  }

  toString(): string {
    return `Disconnect(${this.user}${this.purge ? ', purge' : ''})`;
  }
}

export class RestartWorkers extends ModelCommand {
  readonly name = 'workers.restart';

  check(): boolean {
    return true;
  }

  protected async act(_m: Model, r: Real): Promise<void> {
    await r.world.system.restartWorkers();
  }

  toString(): string {
    return 'RestartWorkers()';
  }
}

/** Lets the background work finish before the next command (no command waits otherwise). */
export class Settle extends ModelCommand {
  readonly name = 'settle';

  check(): boolean {
    return true;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    await r.world.idle(CRM_USERS.filter((u) => m.connection[u] === 'active'));
  }

  toString(): string {
    return 'Settle()';
  }
}

/** Bad create bodies and the error code each must get (README "Scheduling meetings from the CRM"). */
export const INVALID_CREATES = {
  hourlyRecurrence: 'invalid_recurrence',
  endBeforeStart: 'end_before_start',
  unknownZone: 'invalid_time_zone',
  unknownField: 'invalid_request',
  badEmail: 'invalid_email',
  tooManyReminders: 'too_many_reminders',
  negativeReminder: 'invalid_reminder',
  unknownRecord: 'invalid_reference',
  badDate: 'invalid_date',
} as const;
export type InvalidCreateKind = keyof typeof INVALID_CREATES;

function invalidCreateBody(kind: InvalidCreateKind): Record<string, unknown> & { title: string } {
  const base = { title: `Invalid ${kind}`, start: '2031-02-03T09:00:00Z', end: '2031-02-03T10:00:00Z' };
  switch (kind) {
    case 'hourlyRecurrence':
      return { ...base, recurrence: ['RRULE:FREQ=HOURLY;COUNT=5'] };
    case 'endBeforeStart':
      return { ...base, end: '2031-02-03T08:00:00Z' };
    case 'unknownZone':
      return { ...base, time_zone: 'Mars/Olympus_Mons' };
    case 'unknownField':
      return { ...base, colour: 'red' };
    case 'badEmail':
      return { ...base, attendees: ['not an email'] };
    case 'tooManyReminders':
      return {
        ...base,
        reminders: Array.from({ length: 6 }, (_, i) => ({ method: 'popup', minutes: i + 1 })),
      };
    case 'negativeReminder':
      return { ...base, reminders: [{ method: 'popup', minutes: -5 }] };
    case 'unknownRecord':
      return { ...base, entity_type: 'contact', entity_id: randomUUID() };
    case 'badDate':
      return { ...base, start: '2031-02-30T09:00:00Z' };
  }
}

/** Checks the API's error envelope: `{ error: { code, message, request_id } }`. */
export function checkErrorEnvelope(
  what: string,
  status: number,
  body: unknown,
  code: string,
  expectedStatus = 400,
): void {
  const error = (body as { error?: { code?: unknown; message?: unknown; request_id?: unknown } } | undefined)
    ?.error;
  if (
    status !== expectedStatus ||
    error?.code !== code ||
    typeof error.message !== 'string' ||
    error.message === '' ||
    typeof error.request_id !== 'string'
  ) {
    throw new Error(
      `${what}: expected ${expectedStatus} ${code} in the error envelope, got ${status} ${JSON.stringify(body)}`,
    );
  }
}

/** The user's rows with the refused create's title (pulls of other events may land meanwhile). */
async function rowCount(r: Real, user: CrmUserName, title: string): Promise<number> {
  const [row] = await r.world.system.sql<{ n: number }>(
    'SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND user_id = $2 AND title = $3',
    [r.world.tenant, r.world.users[user].userId, title],
  );
  return row?.n ?? 0;
}

/** A create the CRM must refuse with a clear 400, writing nothing on either side. */
export class InvalidCreate extends ModelCommand {
  readonly name = 'crm.invalid-create';
  constructor(
    readonly user: CrmUserName,
    readonly kind: InvalidCreateKind,
  ) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return isActive(m, this.user);
  }

  protected async act(_m: Model, r: Real): Promise<void> {
    const body = invalidCreateBody(this.kind);
    const before = await rowCount(r, this.user, body.title);
    const res = await r.world.crm(this.user, 'POST', '/calendar/events', body);
    checkErrorEnvelope(`invalid create (${this.kind})`, res.status, res.body, INVALID_CREATES[this.kind]);
    const after = await rowCount(r, this.user, body.title);
    if (after !== before)
      throw new Error(`invalid create (${this.kind}) stored ${after - before} event rows`);
  }

  toString(): string {
    return `InvalidCreate(${this.user}: ${this.kind})`;
  }
}

export const INVALID_PATCHES = {
  badStart: 'invalid_date',
  endBeforeStart: 'end_before_start',
  unknownZone: 'invalid_time_zone',
  unknownField: 'invalid_request',
} as const;
export type InvalidPatchKind = keyof typeof INVALID_PATCHES;

/** A change the CRM must refuse with a clear 400, changing nothing (the final checks see to that). */
export class InvalidPatch extends ModelCommand {
  readonly name = 'crm.invalid-patch';
  constructor(
    readonly pick: number,
    readonly kind: InvalidPatchKind,
  ) {
    super();
  }

  private candidates(m: Readonly<Model>): ModelEvent[] {
    return targets(
      m,
      (e) => isCrmUser(e.organizer) && isActive(m, e.organizer) && e.crmId !== null && !e.timing.allDay,
    );
  }

  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }

  protected async act(m: Model, r: Real): Promise<void> {
    const e = choose(this.candidates(m), this.pick);
    if (e === undefined || e.crmId === null) return;
    const body =
      this.kind === 'badStart'
        ? { start: 'next tuesday' }
        : this.kind === 'endBeforeStart'
          ? { end: new Date(Date.parse(e.timing.start) - 3_600_000).toISOString() }
          : this.kind === 'unknownZone'
            ? { time_zone: 'Nowhere/Special' }
            : { colour: 'blue' };
    const res = await r.world.crm(e.organizer as CrmUserName, 'PATCH', `/calendar/events/${e.crmId}`, body);
    checkErrorEnvelope(
      `invalid change of E${e.key} (${this.kind})`,
      res.status,
      res.body,
      INVALID_PATCHES[this.kind],
    );
  }

  toString(): string {
    return `InvalidPatch(#${this.pick}: ${this.kind})`;
  }
}

/** A write by a user who disconnected Google Calendar: 409 calendar_not_connected, nothing written. */
export class WriteWhileDisconnected extends ModelCommand {
  readonly name = 'crm.write-disconnected';
  constructor(readonly user: CrmUserName) {
    super();
  }

  check(m: Readonly<Model>): boolean {
    return m.connection[this.user] === 'disconnected';
  }

  protected async act(_m: Model, r: Real): Promise<void> {
    const before = await rowCount(r, this.user, 'While disconnected');
    const res = await r.world.crm(this.user, 'POST', '/calendar/events', {
      title: 'While disconnected',
      start: '2031-02-03T09:00:00Z',
      end: '2031-02-03T10:00:00Z',
    });
    checkErrorEnvelope('a write while disconnected', res.status, res.body, 'calendar_not_connected', 409);
    const after = await rowCount(r, this.user, 'While disconnected');
    if (after !== before) throw new Error(`a write while disconnected stored ${after - before} event rows`);
  }

  toString(): string {
    return `WriteWhileDisconnected(${this.user})`;
  }
}

export { choose };
