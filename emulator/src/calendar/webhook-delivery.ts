import type { CalendarChanges, ChannelRecord, EmulatorState, ListChanges } from '../state/emulator-state.js';
import { formatRfc1123, formatTimestamp } from '../time.js';

/** One HTTP attempt (or a fault's decision) recorded for `GET /__admin/webhooks`. */
interface DeliveryRecord {
  channelId: string;
  address: string;
  resourceState: 'sync' | 'exists';
  messageNumber: number;
  attempt: number;
  headers: Record<string, string>;
  status: number | null;
  error?: string;
  at: string;
}

interface Notification {
  channel: ChannelRecord;
  state: 'sync' | 'exists';
  messageNumber: number;
}

const MAX_ATTEMPTS = 4;
const REQUEST_TIMEOUT_MS = 10_000;
/** A reordered notification waits for the next one at most this long. */
const REORDER_HOLD_MS = 2_000;

/**
 * Push notifications for `events.watch` and `calendarList.watch` channels, delivered as Google does: an empty POST with
 * the X-Goog-* headers, `sync` first, then `exists` for each change, retried with exponential
 * backoff on 5xx answers and connection errors. Delivery never blocks an API response.
 * See https://developers.google.com/workspace/calendar/api/guides/push
 */
export class WebhookDispatcher {
  readonly log: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private held: { notification: Notification; timer: NodeJS.Timeout } | null = null;
  private closed = false;

  constructor(private readonly state: EmulatorState) {
    state.onChange((changes, listChanges) => this.calendarsChanged(changes, listChanges));
  }

  /** The first message of a new channel. */
  sendSync(channel: ChannelRecord): void {
    channel.messageNumber = 1;
    this.dispatch({ channel, state: 'sync', messageNumber: 1 });
  }

  clearLog(): void {
    this.log.length = 0;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
    if (this.held) clearTimeout(this.held.timer);
    this.held = null;
  }

  private calendarsChanged(changes: CalendarChanges, listChanges: ListChanges): void {
    const now = this.state.now();
    for (const channel of this.state.channels.values()) {
      if (channel.stopped || channel.expirationMs <= now) continue;
      if (channel.resource === 'calendarList') {
        // A calendar-list channel hears about every change of its owner's list.
        if (!listChanges.has(channel.ownerEmail)) continue;
        channel.messageNumber += 1;
        this.dispatch({ channel, state: 'exists', messageNumber: channel.messageNumber });
        continue;
      }
      const types = changes.get(channel.calendarId);
      if (!types) continue;
      // A channel watching some event types hears only about changes of those types.
      const watched = channel.eventTypes;
      if (watched && ![...types].some((type) => watched.includes(type))) continue;
      channel.messageNumber += 1;
      this.dispatch({ channel, state: 'exists', messageNumber: channel.messageNumber });
    }
  }

  private dispatch(notification: Notification): void {
    if (this.closed) return;
    const fault = this.state.faults.takeWebhookFault();
    const previouslyHeld = this.held;
    if (fault?.reorder && !previouslyHeld) {
      const timer = setTimeout(() => this.releaseHeld(), REORDER_HOLD_MS);
      this.held = { notification, timer };
      return;
    }
    if (fault?.drop) {
      this.record(notification, 0, { status: null, error: 'dropped by a webhook fault' });
    } else if (fault?.delayMs !== undefined) {
      this.later(fault.delayMs, () => void this.deliver(notification, 1));
    } else {
      void this.deliver(notification, 1);
      if (fault?.duplicate) void this.deliver(notification, 1);
    }
    // A held-back notification goes out after the one that followed it.
    if (previouslyHeld) this.later(50, () => this.releaseHeld());
  }

  private releaseHeld(): void {
    const held = this.held;
    if (!held) return;
    clearTimeout(held.timer);
    this.held = null;
    void this.deliver(held.notification, 1);
  }

  private headers(n: Notification): Record<string, string> {
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': n.channel.id,
      'X-Goog-Channel-Expiration': formatRfc1123(n.channel.expirationMs),
      'X-Goog-Resource-ID': n.channel.resourceId,
      'X-Goog-Resource-URI': n.channel.resourceUri,
      'X-Goog-Resource-State': n.state,
      'X-Goog-Message-Number': String(n.messageNumber),
    };
    if (n.channel.token !== undefined) headers['X-Goog-Channel-Token'] = n.channel.token;
    return headers;
  }

  private async deliver(n: Notification, attempt: number): Promise<void> {
    if (this.closed || n.channel.stopped) return;
    const headers = this.headers(n);
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await fetch(n.channel.address, {
        method: 'POST',
        headers,
        signal: controller.signal,
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (this.closed) return;
    this.record(n, attempt, error === undefined ? { status } : { status, error });
    const retriable = status === null || status >= 500;
    if (retriable && attempt < MAX_ATTEMPTS) {
      const delay = this.state.settings.webhookRetryBaseMs * 2 ** (attempt - 1);
      this.later(delay, () => void this.deliver(n, attempt + 1));
    }
  }

  private record(n: Notification, attempt: number, outcome: { status: number | null; error?: string }): void {
    const record: DeliveryRecord = {
      channelId: n.channel.id,
      address: n.channel.address,
      resourceState: n.state,
      messageNumber: n.messageNumber,
      attempt,
      headers: this.headers(n),
      status: outcome.status,
      at: formatTimestamp(this.state.now()),
    };
    if (outcome.error !== undefined) record.error = outcome.error;
    this.log.push(record);
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
