import type { Logger } from 'pino';
import { NotFoundError, UnauthorizedError } from '../../kernel/errors.js';
import type { PullMetrics } from './pull-metrics.js';
import type { CalendarRef } from '../../kernel/refs.js';
import type { PushChannelService } from '../calendars/index.js';

/** The X-Goog-* headers of one notification. */
interface ChannelNotification {
  channelId: string;
  token: string | undefined;
  resourceId: string | undefined;
  /** `sync` (the channel was opened), `exists` (something changed) or `not_exists`. */
  resourceState: string | undefined;
  messageNumber: string | undefined;
}

type NotificationResult = 'queued' | 'collapsed' | 'sync' | 'ignored';

/**
 * Handles a push notification without calling Google: verifies the channel and its token, then
 * asks for a pull of the calendar. While a pull of it runs, the notification only marks the
 * calendar (`markIfLeased`): the running pull does one more round once the notifications stop, so
 * a burst for one channel costs one pull and one follow-up round. Otherwise a pull is queued
 * (collapsed with one already queued). Unknown channels and wrong tokens are refused
 * (NotFoundError / UnauthorizedError) with nothing queued.
 */
export class PushChannelReceiver {
  constructor(
    private readonly channels: PushChannelService,
    private readonly enqueue: (ref: CalendarRef) => Promise<boolean>,
    /** Marks the calendar when a pull holds its lease; false when none does. */
    private readonly markIfLeased: (ref: CalendarRef) => Promise<boolean>,
    private readonly metrics: PullMetrics,
    private readonly logger: Logger,
  ) {}

  async receive(notification: ChannelNotification): Promise<NotificationResult> {
    let calendar;
    try {
      calendar = await this.channels.verify(notification.channelId, notification.token);
      if (notification.resourceId !== undefined && calendar.channel_resource_id !== notification.resourceId) {
        throw new UnauthorizedError('Push notification names another resource than its channel');
      }
    } catch (error) {
      if (error instanceof NotFoundError) this.metrics.recordWebhook('unknown_channel');
      if (error instanceof UnauthorizedError) this.metrics.recordWebhook('bad_token');
      throw error;
    }
    const result = await this.handle(calendar, notification);
    this.metrics.recordWebhook(result);
    this.logger.debug(
      {
        calendarId: calendar.id,
        state: notification.resourceState,
        message: notification.messageNumber,
        result,
      },
      'Push notification',
    );
    return result;
  }

  private async handle(
    calendar: {
      id: string;
      tenant_id: string;
      user_id: string;
      selected: boolean;
      pull_lease_owner: string | null;
    },
    notification: ChannelNotification,
  ): Promise<NotificationResult> {
    // `sync` only announces the channel; its calendar was just listed or is about to be.
    if (notification.resourceState === 'sync') return 'sync';
    if (!calendar.selected) return 'ignored';
    const ref = { tenantId: calendar.tenant_id, userId: calendar.user_id, calendarId: calendar.id };
    if (calendar.pull_lease_owner !== null && (await this.markIfLeased(ref))) return 'collapsed';
    return (await this.enqueue(ref)) ? 'queued' : 'collapsed';
  }
}
