import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { CalendarRow } from '../calendars/index.js';
import type { ConnectionRow } from '../../adapters/db/tables/connections.js';
import type { Transaction } from 'kysely';
import type { Db } from '../../adapters/db/database.js';
import type { Database } from '../../adapters/db/tables/index.js';
import { GoogleApiError } from '../../adapters/google/errors.js';
import type { GoogleClients } from '../../adapters/google/google-clients.js';
import type { GoogleOAuth } from '../../adapters/google/oauth.js';
import type { TokenCipher } from '../../adapters/security/token-cipher.js';
import type { CalendarsRepository } from '../calendars/index.js';
import { openChannel, stopChannels } from './account-channels.js';
import { toConnection, type ConnectionRepository } from './connection.repository.js';
import {
  tokenContext,
  type CalendarSummary,
  type Connection,
  type ConnectionRef,
  type ConnectionStatusView,
  type DisconnectSummary,
  type Owner,
} from './connection.types.js';
import type { TokenProvider } from './token-provider.js';

/** Marks the meeting activities of events cancelled (the crm module's ActivityService). */
interface MeetingCancellation {
  cancelMeetings(events: readonly { id: string }[], trx: Transaction<Database>): Promise<unknown>;
}

export interface ConnectionServiceDeps {
  db: Db;
  meetings: MeetingCancellation;
  connections: ConnectionRepository;
  calendars: CalendarsRepository;
  cipher: TokenCipher;
  oauth: GoogleOAuth;
  google: GoogleClients;
  tokens: TokenProvider;
  clock: Clock;
  logger: Logger;
}

function toCalendarSummary(row: CalendarRow): CalendarSummary {
  return {
    id: row.id,
    googleCalendarId: row.google_calendar_id,
    summary: row.summary,
    primary: row.is_primary,
    selected: row.selected,
    timeZone: row.time_zone,
    syncStatus: row.sync_status,
    lastSyncAt: row.last_sync_at,
    lastError: row.last_error,
    skippedEvents: row.skipped_events,
    lastSkipReason: row.last_skip_reason,
    lastSkippedAt: row.last_skipped_at,
  };
}

/** Reading a user's connection, and ending it (stop channels, revoke at Google, delete tokens). */
export class ConnectionService {
  constructor(private readonly deps: ConnectionServiceDeps) {}

  /** The user's connection without secrets, if one was ever made. */
  async find(owner: Owner): Promise<Connection | undefined> {
    const row = await this.deps.connections.findByOwner(owner);
    return row ? toConnection(row) : undefined;
  }

  /** The connection by id within its owner's scope. */
  async get(ref: ConnectionRef): Promise<Connection | undefined> {
    const row = await this.deps.connections.findByRef(ref);
    return row ? toConnection(row) : undefined;
  }

  /** Whether jobs of this connection may run (false while it needs reauthorization or is disconnected). */
  isActive(ref: ConnectionRef): Promise<boolean> {
    return this.deps.tokens.isActive(ref);
  }

  async getStatus(owner: Owner): Promise<ConnectionStatusView> {
    const row = await this.deps.connections.findByOwner(owner);
    if (!row) {
      return {
        connected: false,
        status: 'disconnected',
        connectionId: null,
        googleEmail: null,
        connectedAt: null,
        scopes: [],
        lastSyncAt: null,
        lastError: null,
        calendars: [],
      };
    }
    const calendars = await this.deps.calendars.listForConnection({ id: row.id, ...owner });
    return {
      connected: row.status === 'active',
      status: row.status,
      connectionId: row.id,
      googleEmail: row.google_email,
      connectedAt: row.connected_at,
      scopes: row.scopes,
      lastSyncAt: row.last_sync_at,
      lastError: row.last_error,
      calendars: calendars.map(toCalendarSummary),
    };
  }

  /**
   * Ends the connection: stops its push channels at Google, revokes the grant, deletes the
   * tokens (the row stays, so a reconnect reuses its id). A failed revocation is logged and
   * reported but the local tokens are deleted anyway. `purge` also deletes the synced copies and
   * marks the meeting activities of their events cancelled: the CRM no longer follows those
   * meetings, so an activity left scheduled would go stale.
   */
  async disconnect(owner: Owner, options: { purge?: boolean } = {}): Promise<DisconnectSummary> {
    const { db, connections, calendars, clock, logger } = this.deps;
    const summary: DisconnectSummary = {
      disconnected: false,
      channelsStopped: 0,
      channelErrors: [],
      tokenRevoked: false,
      revokeError: null,
      purged: false,
      calendarsDeleted: 0,
      eventsDeleted: 0,
    };
    const row = await connections.findByOwner(owner);
    if (!row) return summary;
    const ref: ConnectionRef = { id: row.id, ...owner };

    await this.stopChannels(row, ref, summary);
    await this.revoke(row, summary);

    await db.transaction().execute(async (trx) => {
      const now = clock.now();
      await calendars.clearChannels(trx, ref, now);
      const lastError =
        summary.revokeError === null ? null : `Revoking access at Google failed: ${summary.revokeError}`;
      await connections.markDisconnected(trx, ref, lastError, now);
      if (options.purge === true) {
        await this.deps.meetings.cancelMeetings(await calendars.eventsOfCopies(trx, ref), trx);
        const deleted = await calendars.deleteCopies(trx, ref);
        summary.purged = true;
        summary.calendarsDeleted = deleted.calendars;
        summary.eventsDeleted = deleted.events;
      }
    });
    summary.disconnected = row.status !== 'disconnected' || row.refresh_token_enc !== null;
    logger.info({ connectionId: row.id, ...summary }, 'Google Calendar disconnected');
    return summary;
  }

  private async stopChannels(
    row: ConnectionRow,
    ref: ConnectionRef,
    summary: DisconnectSummary,
  ): Promise<void> {
    const open = await this.deps.calendars.withChannels(ref);
    if (open.length === 0) return;
    if (row.status !== 'active') {
      // No usable token: Google keeps the channels until they expire; their notifications are ignored.
      summary.channelErrors.push(
        ...open.map(
          (c) => `${c.google_calendar_id}: not stopped (connection is ${row.status}); it expires on its own`,
        ),
      );
      return;
    }
    const stopped = await stopChannels(
      this.deps.google.calendarFor(ref),
      open.map(openChannel),
      this.deps.logger,
    );
    summary.channelsStopped += stopped.stopped;
    summary.channelErrors.push(...stopped.errors);
  }

  private async revoke(row: ConnectionRow, summary: DisconnectSummary): Promise<void> {
    const sealed = row.refresh_token_enc ?? row.access_token_enc;
    if (sealed === null) return;
    try {
      // Revoking the refresh token ends the whole grant, access tokens included.
      const token = this.deps.cipher.decrypt(
        sealed,
        tokenContext({ tenantId: row.tenant_id, userId: row.user_id }),
      );
      await this.deps.oauth.revoke(token);
      summary.tokenRevoked = true;
    } catch (error) {
      if (error instanceof GoogleApiError && error.reason === 'invalid_token') {
        summary.tokenRevoked = true; // Google no longer knows the token: nothing left to revoke.
        return;
      }
      summary.revokeError = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn(
        { connectionId: row.id, error: summary.revokeError },
        'Revoking the Google token failed; deleting local tokens anyway',
      );
    }
  }
}
