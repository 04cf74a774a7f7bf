import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../../adapters/clock.js';
import type { CalendarRow } from '../../../adapters/db/tables/calendars.js';
import { NotFoundError, UnauthorizedError } from '../../../kernel/errors.js';
import type { CalendarApi } from '../../../adapters/google/calendar-api.js';
import { constantTimeEqual, randomToken, sha256Base64url } from '../../../adapters/security/hashing.js';
import { connectionOf, refOf } from '../calendar-scope.js';
import type { PushChannelRepository } from './push-channel.repository.js';

/** Where Google sends notifications, under PUBLIC_URL. */
export const WEBHOOK_PATH = '/webhooks/google/calendar';

interface PushChannelServiceDeps {
  channels: PushChannelRepository;
  api: CalendarApi;
  clock: Clock;
  logger: Logger;
  /** PUBLIC_URL: Google must reach it over https (the emulator also takes http). */
  publicUrl: string;
  /** False when Google could not accept the webhook address (real Google and a non-https PUBLIC_URL). */
  enabled: boolean;
  /** Why push is off (Config.push), shown in the calendars' status. */
  offReason?: string;
  /** Renew channels expiring within this margin (default 24 h: a week-long channel is renewed on its sixth day). */
  renewMarginMs?: number;
  /** Requested channel lifetime in seconds (default: Google's, one week). */
  ttlSeconds?: number;
}

interface RenewalSummary {
  opened: number;
  renewed: number;
  failed: number;
}

/**
 * Push channels (https://developers.google.com/calendar/api/guides/push): one per synced calendar,
 * with a random id and a random token of which only the SHA-256 is stored. Renewal opens the new
 * channel and stores it before stopping the old one, so there is never a moment without one.
 */
export class PushChannelService {
  readonly #renewMarginMs: number;

  constructor(private readonly deps: PushChannelServiceDeps) {
    this.#renewMarginMs = deps.renewMarginMs ?? 24 * 3_600_000;
  }

  get webhookAddress(): string {
    return `${this.deps.publicUrl}${WEBHOOK_PATH}`;
  }

  /**
   * Whether calendars get push channels; when not, why, and that changes arrive with the scheduled
   * pull instead (GET /calendar/calendars shows it).
   */
  get status(): { enabled: boolean; reason: string | null } {
    if (this.deps.enabled) return { enabled: true, reason: null };
    return { enabled: false, reason: this.deps.offReason ?? 'Push notifications are off' };
  }

  /**
   * Opens a channel on the calendar, replacing (then stopping) the one it had. Returns false when
   * channels are disabled or another renewal stored its channel first.
   */
  async open(calendar: CalendarRow): Promise<boolean> {
    if (!this.deps.enabled) return false;
    const { api, channels, clock, logger } = this.deps;
    const token = randomToken(32);
    const previous =
      calendar.channel_id !== null && calendar.channel_resource_id !== null
        ? { id: calendar.channel_id, resourceId: calendar.channel_resource_id }
        : null;
    const opened = await api.watchEvents(connectionOf(calendar), {
      googleCalendarId: calendar.google_calendar_id,
      channelId: randomUUID(),
      token,
      address: this.webhookAddress,
      ...(this.deps.ttlSeconds !== undefined ? { ttlSeconds: this.deps.ttlSeconds } : {}),
    });
    const stored = await channels.replace(
      refOf(calendar),
      calendar.channel_id,
      {
        id: opened.id,
        resourceId: opened.resourceId,
        tokenHash: sha256Base64url(token),
        expiresAt: opened.expiration,
      },
      clock.now(),
    );
    // The loser of a race stops what it opened; the winner stops the channel it replaced.
    const toStop = stored ? previous : { id: opened.id, resourceId: opened.resourceId };
    if (toStop !== null) await this.stopQuietly(calendar, toStop);
    if (stored) {
      logger.info(
        {
          calendarId: calendar.id,
          channelId: opened.id,
          expiresAt: opened.expiration.toISOString(),
          replaced: previous?.id ?? null,
        },
        previous === null ? 'Opened push channel' : 'Renewed push channel',
      );
    }
    return stored;
  }

  /** Stops the calendar's channel at Google (best effort) and forgets it. */
  async close(calendar: CalendarRow, options: { connectionActive: boolean }): Promise<void> {
    if (calendar.channel_id === null) return;
    if (options.connectionActive && calendar.channel_resource_id !== null) {
      await this.stopQuietly(calendar, { id: calendar.channel_id, resourceId: calendar.channel_resource_id });
    }
    await this.deps.channels.clear(refOf(calendar), calendar.channel_id, this.deps.clock.now());
  }

  /**
   * Checks a notification: the channel must be known and the token must match its stored hash
   * (compared in constant time). Unknown channel: NotFoundError; wrong token: UnauthorizedError.
   */
  async verify(channelId: string, token: string | undefined): Promise<CalendarRow> {
    const calendar = channelId === '' ? undefined : await this.deps.channels.findByChannelId(channelId);
    if (calendar === undefined || calendar.channel_token_hash === null) {
      throw new NotFoundError('Unknown push channel');
    }
    if (token === undefined || !constantTimeEqual(sha256Base64url(token), calendar.channel_token_hash)) {
      throw new UnauthorizedError('Push channel token does not match');
    }
    return calendar;
  }

  /**
   * Renews channels that expire within the margin and opens missing ones on selected calendars of
   * active connections. One failure does not stop the others.
   */
  async renewExpiring(options: { limit?: number } = {}): Promise<RenewalSummary> {
    const summary: RenewalSummary = { opened: 0, renewed: 0, failed: 0 };
    if (!this.deps.enabled) return summary;
    const now = this.deps.clock.now();
    const candidates = await this.deps.channels.needingChannel(
      new Date(now.getTime() + this.#renewMarginMs),
      options.limit ?? 500,
    );
    for (const calendar of candidates) {
      try {
        const hadChannel = calendar.channel_id !== null;
        if (await this.open(calendar)) summary[hadChannel ? 'renewed' : 'opened'] += 1;
      } catch (error) {
        summary.failed += 1;
        this.deps.logger.warn(
          { calendarId: calendar.id, error: error instanceof Error ? error.message : String(error) },
          'Could not open or renew a push channel; the scheduled pull still covers the calendar',
        );
      }
    }
    return summary;
  }

  private async stopQuietly(
    calendar: CalendarRow,
    channel: { id: string; resourceId: string },
  ): Promise<void> {
    try {
      await this.deps.api.stopChannel(connectionOf(calendar), channel);
    } catch (error) {
      // An unstopped channel expires on its own; its notifications no longer match a stored channel.
      this.deps.logger.warn(
        {
          calendarId: calendar.id,
          channelId: channel.id,
          error: error instanceof Error ? error.message : String(error),
        },
        'Could not stop a push channel',
      );
    }
  }
}
