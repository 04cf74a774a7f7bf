import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { GoogleConfig } from '../../adapters/config.js';
import type { CalendarRow } from '../calendars/index.js';
import type { ConnectionRow } from '../../adapters/db/tables/connections.js';
import { stopChannels, type ChannelStopSummary, type OpenChannel } from '../../adapters/google/channels.js';
import { GoogleApiError } from '../../adapters/google/errors.js';
import type { GoogleCallRecorder } from '../../adapters/google/google-call-metrics.js';
import { GoogleClients } from '../../adapters/google/google-clients.js';
import type { GoogleOAuth } from '../../adapters/google/oauth.js';
import type { TokenCipher } from '../../adapters/security/token-cipher.js';
import { tokenContext, type ConnectionRef } from './connection.types.js';

export { stopChannels, type OpenChannel };

/** The open channel of a stored calendar (callers pass only calendars that have one). */
export function openChannel(calendar: CalendarRow): OpenChannel {
  return {
    id: calendar.channel_id ?? '',
    resourceId: calendar.channel_resource_id ?? '',
    googleCalendarId: calendar.google_calendar_id,
  };
}

/** What letting go of a former account did. */
interface FormerAccountOutcome {
  /** undefined: it had no open channel, or no usable token to stop them with. */
  channels: ChannelStopSummary | undefined;
  /** Whether its grant is revoked at Google now. */
  revoked: boolean;
}

/** The Google account a reconnect replaced: its connection row as it was, and the channels it had open. */
export interface FormerAccount {
  row: ConnectionRow;
  channels: OpenChannel[];
}

/**
 * Lets go of a Google account the connection has since left (the user reconnected with another
 * account): stops the push channels opened with it, then revokes its grant, so the service holds
 * no access to an account it no longer syncs. Only that account may stop its channels, so the
 * calls carry its tokens, refreshed with its refresh token when the access token expired or is
 * refused. Best effort, never throws: a channel left open expires on its own and its notifications
 * match no stored channel; a grant left behind is listed in the user's Google account.
 */
export class FormerAccountRelease {
  constructor(
    private readonly deps: {
      config: GoogleConfig;
      oauth: GoogleOAuth;
      cipher: TokenCipher;
      clock: Clock;
      logger: Logger;
      record: GoogleCallRecorder;
    },
  ) {}

  /** Stops the former account's channels, then revokes its grant. */
  async release(connection: ConnectionRef, former: FormerAccount): Promise<FormerAccountOutcome> {
    const channels = await this.stopChannels(connection, former);
    const revoked = await this.revoke(connection, former.row);
    return { channels, revoked };
  }

  private async stopChannels(
    connection: ConnectionRef,
    former: FormerAccount,
  ): Promise<ChannelStopSummary | undefined> {
    const { row, channels } = former;
    if (channels.length === 0) return undefined;
    const { logger } = this.deps;
    const log = { connectionId: connection.id, channels: channels.length };
    if (row.status !== 'active' || row.refresh_token_enc === null) {
      logger.info(log, 'Previous Google account has no usable token; its channels expire on their own');
      return undefined;
    }
    try {
      const summary = await stopChannels(
        this.calendarAs(connection, row, row.refresh_token_enc),
        channels,
        logger,
      );
      logger.info({ ...log, ...summary }, "Stopped the previous Google account's push channels");
      return summary;
    } catch (error) {
      logger.warn(
        { ...log, error: error instanceof Error ? error.message : String(error) },
        "Could not stop the previous Google account's push channels; they expire on their own",
      );
      return undefined;
    }
  }

  /** Revokes the former account's grant (its refresh token: the whole grant, access tokens too). */
  private async revoke(connection: ConnectionRef, row: ConnectionRow): Promise<boolean> {
    if (row.refresh_token_enc === null) return false;
    const { cipher, oauth, logger } = this.deps;
    try {
      const context = tokenContext({ tenantId: row.tenant_id, userId: row.user_id });
      await oauth.revoke(cipher.decrypt(row.refresh_token_enc, context));
      logger.info({ connectionId: connection.id }, "Revoked the previous Google account's grant");
      return true;
    } catch (error) {
      // An already revoked or expired grant is what we wanted.
      if (error instanceof GoogleApiError && error.reason === 'invalid_token') return true;
      logger.warn(
        { connectionId: connection.id, error: error instanceof Error ? error.message : String(error) },
        "Could not revoke the previous Google account's grant",
      );
      return false;
    }
  }

  /** A Calendar client acting as the account of `row`'s tokens (not the connection's current ones). */
  private calendarAs(connection: ConnectionRef, row: ConnectionRow, sealedRefreshToken: string) {
    const { cipher, oauth, clock } = this.deps;
    const context = tokenContext({ tenantId: row.tenant_id, userId: row.user_id });
    const refreshToken = cipher.decrypt(sealedRefreshToken, context);
    const fresh =
      row.access_token_enc !== null &&
      row.token_expires_at !== null &&
      row.token_expires_at.getTime() > clock.now().getTime() + 60_000;
    let accessToken =
      fresh && row.access_token_enc !== null ? cipher.decrypt(row.access_token_enc, context) : null;
    const refresh = async () => {
      accessToken = (await oauth.refresh(refreshToken)).accessToken;
      return accessToken;
    };
    const tokens = {
      getAccessToken: async () => accessToken ?? (await refresh()),
      refreshAfterUnauthorized: refresh,
    };
    return new GoogleClients(this.deps.config, tokens, this.deps.record).calendarFor(connection);
  }
}
