import { randomBytes } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import { calendarAs, callEmulatorAdmin } from '../support/emulator-client.js';
import { waitFor } from '../support/wait-for.js';
import {
  CRM_USERS,
  PEOPLE,
  RECORDS,
  type CrmUserName,
  type ModelEvent,
  type Person,
  type RecordName,
} from './model.js';
import type { System } from './system.js';

/**
 * The real side of one convergence run: a tenant of its own with three connected CRM users
 * (alice, bob, carol), a Google user outside the CRM (the guest), and CRM records, two of which
 * are contacts sharing an email with an attendee. Everything goes through real interfaces: the
 * CRM's HTTP API as each user, and the official Calendar client as each Google user.
 */

export interface WorldUser {
  name: CrmUserName;
  userId: string;
  email: string;
  /** The zone of the user's Google calendar. */
  zone: string;
  /** The CRM id of the user's primary calendar. */
  calendarId: string;
}

export interface WorldRecord {
  name: RecordName;
  type: 'contact' | 'company' | 'deal';
  id: string;
  /** The contact's email, when it is one. */
  email: string | null;
}

export interface CrmAnswer<T> {
  status: number;
  body: T;
}

/** The zone of each person's Google calendar. */
export const CALENDAR_ZONES: Readonly<Record<Person, string>> = {
  alice: 'Europe/Berlin',
  bob: 'America/New_York',
  carol: 'UTC',
  guest: 'Asia/Kolkata',
};

export class World {
  readonly trace: string[] = [];
  readonly #clients = new Map<Person, calendar_v3.Calendar>();
  readonly #tokens = new Map<CrmUserName, { token: string; at: number }>();

  private constructor(
    readonly system: System,
    /** Short random tag naming the run's tenant, users and emails. */
    readonly tag: string,
    readonly tenant: string,
    readonly users: Record<CrmUserName, WorldUser>,
    readonly guestEmail: string,
    readonly records: Record<RecordName, WorldRecord>,
  ) {}

  /** A fresh tenant with its users connected (initial syncs done) and its records created. */
  static async create(system: System): Promise<World> {
    const tag = randomBytes(4).toString('hex');
    const tenant = `model-${tag}`;
    const users = {} as Record<CrmUserName, WorldUser>;
    for (const name of CRM_USERS) {
      users[name] = {
        name,
        userId: `${name}-${tag}`,
        email: `${name}-${tag}@model.example.com`,
        zone: CALENDAR_ZONES[name],
        calendarId: '',
      };
    }
    const guestEmail = `guest-${tag}@outside.example.org`;
    for (const person of PEOPLE) {
      const email = person === 'guest' ? guestEmail : users[person].email;
      await callEmulatorAdmin(system.emulatorUrl, 'POST', '/users', {
        email,
        timeZone: CALENDAR_ZONES[person],
      });
    }
    const world = new World(system, tag, tenant, users, guestEmail, {} as Record<RecordName, WorldRecord>);
    await Promise.all(CRM_USERS.map((name) => world.connect(name)));
    await world.createRecords();
    return world;
  }

  note(line: string): void {
    this.trace.push(line);
  }

  /** The zone of the person's Google calendar. */
  zoneOf(person: Person): string {
    return CALENDAR_ZONES[person];
  }

  emailOf(person: Person): string {
    return person === 'guest' ? this.guestEmail : this.users[person].email;
  }

  personOf(email: string): Person | undefined {
    const lower = email.toLowerCase();
    return PEOPLE.find((p) => this.emailOf(p).toLowerCase() === lower);
  }

  /** A path pattern of the emulator's fault matcher that only the service's calls for this run match. */
  servicePathPattern(user?: CrmUserName): string {
    // The service names calendars by id (the owner's email, URL-encoded); the test's own clients say
    // `primary`, so a fault never hits the test's calls.
    return `/calendars/${user === undefined ? '[a-z]+' : user}-${this.tag}%40`;
  }

  async bearer(user: CrmUserName): Promise<string> {
    const cached = this.#tokens.get(user);
    if (cached !== undefined && Date.now() - cached.at < 30 * 60_000) return cached.token;
    const token = await this.system.tokenFor(this.users[user].userId, this.tenant);
    this.#tokens.set(user, { token, at: Date.now() });
    return token;
  }

  /** One CRM API call as `user`; the body parsed when there is one. */
  async crm<T = Record<string, unknown>>(
    user: CrmUserName,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
  ): Promise<CrmAnswer<T>> {
    const res = await this.system.request({
      method,
      url,
      headers: { authorization: `Bearer ${await this.bearer(user)}` },
      ...(body === undefined ? {} : { body }),
    });
    let parsed: unknown;
    try {
      parsed = res.text === '' ? undefined : JSON.parse(res.text);
    } catch {
      parsed = res.text;
    }
    return { status: res.status, body: parsed as T };
  }

  /** A CRM call that must answer `status`; throws with what it answered otherwise. */
  async crmOk<T = Record<string, unknown>>(
    user: CrmUserName,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    status: number | number[] = [200, 201, 204],
  ): Promise<T> {
    const res = await this.crm<T>(user, method, url, body);
    const allowed = Array.isArray(status) ? status : [status];
    if (!allowed.includes(res.status)) {
      throw new Error(
        `${user}: ${method} ${url} answered ${res.status} (expected ${allowed.join(' or ')}): ${JSON.stringify(res.body)}` +
          (body === undefined ? '' : `\n  body sent: ${JSON.stringify(body)}`),
      );
    }
    return res.body;
  }

  /** The official Calendar client acting as `person` (tokens minted by the emulator). */
  async google(person: Person): Promise<calendar_v3.Calendar> {
    const cached = this.#clients.get(person);
    if (cached !== undefined) return cached;
    const client = await calendarAs(this.system.emulatorUrl, this.emailOf(person), {
      client: this.system.googleClient,
    });
    this.#clients.set(person, client);
    return client;
  }

  /** A revocation ends the test's own tokens of that account too: mint new ones next time. */
  forgetGoogleClient(person: Person): void {
    this.#clients.delete(person);
  }

  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return callEmulatorAdmin<T>(this.system.emulatorUrl, method, path, body);
  }

  /**
   * Connects (or reconnects) the user's Google account through the service's OAuth flow, as a
   * browser would with the emulator's auto-consent, and waits for the initial sync to finish.
   */
  async connect(name: CrmUserName): Promise<void> {
    const user = this.users[name];
    const started = await this.crmOk<{
      auth_url: string;
      browser_binding?: { cookie: string; value: string };
    }>(name, 'GET', `/integrations/calendar/connect?login_hint=${encodeURIComponent(user.email)}`);
    const consent = await fetch(started.auth_url, { redirect: 'manual' });
    await consent.text();
    const location = consent.headers.get('location');
    if (consent.status !== 302 || location === null) {
      throw new Error(`${name}: the consent page answered ${consent.status}, not a redirect`);
    }
    const callback = new URL(location);
    const res = await this.system.request({
      method: 'GET',
      url: `/integrations/calendar/callback${callback.search}`,
      // As the browser that started: with the binding cookie of the connect answer, when it has one.
      ...(started.browser_binding === undefined
        ? {}
        : { headers: { cookie: `${started.browser_binding.cookie}=${started.browser_binding.value}` } }),
    });
    if (res.status !== 302 || res.headers.location !== '/?calendar=connected') {
      throw new Error(`${name}: the OAuth callback answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
    const calendar = await waitFor(
      `${name}'s initial sync`,
      async () => {
        const rows = await this.system.sql<{ id: string; synced: boolean; channel: boolean }>(
          `SELECT c.id, c.last_sync_at IS NOT NULL AS synced, c.channel_expires_at IS NOT NULL AS channel
             FROM calendars c
            WHERE c.tenant_id = $1 AND c.user_id = $2 AND c.is_primary`,
          [this.tenant, user.userId],
        );
        const jobs = await this.system.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pgboss.job
            WHERE name = 'calendar.initial-sync' AND data->>'tenantId' = $1 AND data->>'userId' = $2
              AND state IN ('created', 'retry', 'active')`,
          [this.tenant, user.userId],
        );
        const row = rows[0];
        return row !== undefined && row.synced && row.channel && jobs[0]?.n === 0 ? row : undefined;
      },
      30_000,
    );
    user.calendarId = calendar.id;
  }

  private async createRecords(): Promise<void> {
    const as = 'alice' as const;
    const company = await this.crmOk<{ id: string }>(as, 'POST', '/crm/companies', {
      name: `Company ${this.tag}`,
      domain: `${this.tag}.example.net`,
    });
    const deal = await this.crmOk<{ id: string }>(as, 'POST', '/crm/deals', {
      name: `Deal ${this.tag}`,
      company_id: company.id,
    });
    const contact = async (name: string, email: string) =>
      (await this.crmOk<{ id: string }>(as, 'POST', '/crm/contacts', { name, email })).id;
    const records: Record<RecordName, WorldRecord> = {
      guestContact: {
        name: 'guestContact',
        type: 'contact',
        id: await contact('Guest Contact', this.guestEmail),
        email: this.guestEmail,
      },
      carolContact: {
        name: 'carolContact',
        type: 'contact',
        id: await contact('Carol Contact', this.users.carol.email),
        email: this.users.carol.email,
      },
      otherContact: {
        name: 'otherContact',
        type: 'contact',
        id: await contact('Other Contact', `other-${this.tag}@elsewhere.example.net`),
        email: null,
      },
      company: { name: 'company', type: 'company', id: company.id, email: null },
      deal: { name: 'deal', type: 'deal', id: deal.id, email: null },
    };
    Object.assign(this.records, records);
    for (const name of RECORDS) if (this.records[name] === undefined) throw new Error(`record ${name}`);
  }

  /** The contact records whose email is one of `emails` (attendee matching, ignoring case). */
  contactsAmong(emails: readonly string[]): WorldRecord[] {
    const lower = new Set(emails.map((e) => e.toLowerCase()));
    return RECORDS.map((n) => this.records[n]).filter(
      (r) => r.email !== null && lower.has(r.email.toLowerCase()),
    );
  }

  recordById(id: string): WorldRecord | undefined {
    return RECORDS.map((n) => this.records[n]).find((r) => r.id === id);
  }

  /** The CRM id of `user`'s copy of a Google event (a series' master, not an occurrence), if stored. */
  async crmRowId(user: CrmUserName, googleId: string): Promise<string | undefined> {
    const rows = await this.system.sql<{ id: string }>(
      `SELECT id FROM events WHERE tenant_id = $1 AND user_id = $2 AND google_event_id = $3
          AND deleted_at IS NULL AND status <> 'cancelled'`,
      [this.tenant, this.users[user].userId, googleId],
    );
    return rows[0]?.id;
  }

  /**
   * Waits until `user`'s CRM holds its copy of the event, asking for a sync now and then (a
   * notification may have been dropped on purpose), and returns its CRM id.
   */
  async waitForCrmCopy(user: CrmUserName, e: ModelEvent): Promise<string> {
    let attempts = 0;
    return waitFor(
      `${user}'s CRM copy of E${e.key}`,
      async () => {
        const id = await this.crmRowId(user, e.googleId);
        if (id !== undefined) return id;
        attempts += 1;
        if (attempts % 10 === 3) await this.crm(user, 'POST', '/calendar/sync', {});
        return undefined;
      },
      30_000,
    );
  }

  /** Waits until `user`'s CRM has pushed every change of its copy of a Google event. */
  async waitPushed(user: CrmUserName, googleId: string): Promise<void> {
    await waitFor(
      `${user}'s changes of ${googleId} to reach Google`,
      async () => {
        const rows = await this.system.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM events
            WHERE tenant_id = $1 AND user_id = $2 AND google_event_id LIKE $3 AND sync_state = 'pending'`,
          [this.tenant, this.users[user].userId, `${googleId}%`],
        );
        return rows[0]?.n === 0;
      },
      30_000,
      100,
    );
  }

  /**
   * Waits until `user`'s CRM resolves an occurrence id of a series (a change made in Google that
   * moved the series reaches the CRM by a pull; the user acts on what the CRM shows).
   */
  async waitForCrmOccurrence(user: CrmUserName, apiId: string): Promise<void> {
    let attempts = 0;
    await waitFor(
      `${user}'s CRM to show occurrence ${apiId}`,
      async () => {
        const res = await this.crm(user, 'GET', `/calendar/events/${apiId}`);
        if (res.status === 200) return true;
        attempts += 1;
        if (attempts % 10 === 3) await this.crm(user, 'POST', '/calendar/sync', {});
        return undefined;
      },
      30_000,
    );
  }

  /** Waits until the organizer's Google calendar has the event (a CRM create has been pushed). */
  async waitInGoogle(e: ModelEvent): Promise<void> {
    if (e.inGoogle) return;
    const google = await this.google(e.organizer);
    await waitFor(
      `E${e.key} to reach Google`,
      async () => {
        try {
          const { data } = await google.events.get({ calendarId: 'primary', eventId: e.googleId });
          return data.status !== 'cancelled';
        } catch {
          return false;
        }
      },
      30_000,
      100,
    );
    e.inGoogle = true;
  }

  /**
   * Waits until the run's background work is done: no push, pull or initial sync queued, waiting
   * for a retry or running, no calendar leased by a pull, and no event waiting to be pushed (except
   * for users whose connection cannot push now).
   */
  async idle(activeUsers: readonly CrmUserName[], timeoutMs = 60_000): Promise<void> {
    const userIds = activeUsers.map((u) => this.users[u].userId);
    await waitFor(
      'the run to go quiet',
      async () => {
        const jobs = await this.system.sql<{ name: string; state: string }>(
          `SELECT name, state FROM pgboss.job
            WHERE name IN ('event.push', 'event.push-resume', 'calendar.pull', 'calendar.initial-sync')
              AND data->>'tenantId' = $1 AND data->>'userId' = ANY($2::text[])
              AND state IN ('created', 'retry', 'active')`,
          [this.tenant, userIds],
        );
        const [leases] = await this.system.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM calendars
            WHERE tenant_id = $1 AND user_id = ANY($2::text[])
              AND (pull_lease_owner IS NOT NULL OR pull_requested_at IS NOT NULL)`,
          [this.tenant, userIds],
        );
        const pendingRows = await this.system.sql<{
          title: string | null;
          sync_error: string | null;
          etag: boolean;
        }>(
          `SELECT title, sync_error, google_etag IS NOT NULL AS etag FROM events
            WHERE tenant_id = $1 AND user_id = ANY($2::text[]) AND sync_state = 'pending'`,
          [this.tenant, userIds],
        );
        const pending = {
          n: pendingRows.length,
          rows: pendingRows
            .map((p) => `"${p.title}"${p.etag ? '' : ' (no etag)'}: ${p.sync_error ?? 'no error'}`)
            .join('; '),
        };
        if (jobs.length === 0 && leases?.n === 0 && pending.n === 0) return true;
        // Thrown, so that a timeout says what was still moving.
        const waiting = jobs.map((j) => `${j.name} ${j.state}`).join(', ') || 'no jobs';
        throw new Error(
          `${waiting}; ${leases?.n ?? '?'} calendar(s) leased; ${pending.n} event(s) pending${pending.n > 0 ? ` (${pending.rows})` : ''}`,
        );
      },
      timeoutMs,
      100,
    );
  }
}
