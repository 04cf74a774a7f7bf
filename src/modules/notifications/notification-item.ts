import { z } from 'zod';
import type { NotificationRow } from '../../adapters/db/tables/notifications.js';
import type { ReminderPayload } from './reminder-schedule.js';

/** The API shape of a notification: the list, the SSE stream and the webhook all send it. */
export const notificationItemJson = z
  .object({
    id: z.string(),
    kind: z.string().describe("'reminder'"),
    event_id: z.string().nullable(),
    title: z.string().describe('Short text to show'),
    fire_at: z.string().describe('When the reminder was due (ISO 8601)'),
    fired_at: z
      .string()
      .nullable()
      .describe('When it was delivered; later than fire_at when the service was down'),
    read_at: z.string().nullable(),
    payload: z
      .record(z.string(), z.unknown())
      .describe('The event: item_id, title, start, end, minutes_before, links...'),
  })
  .describe('Notification');

export type NotificationItem = z.output<typeof notificationItemJson>;

function describeStart(payload: Partial<ReminderPayload>): string {
  const minutes = payload.minutes_before;
  if (typeof minutes !== 'number') return 'soon';
  if (minutes === 0) return 'now';
  if (minutes % 1440 === 0) return `in ${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `in ${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function toNotificationItem(row: NotificationRow): NotificationItem {
  const payload = row.payload as Partial<ReminderPayload>;
  const title = typeof payload.title === 'string' && payload.title !== '' ? payload.title : '(No title)';
  return {
    id: row.id,
    kind: row.kind,
    event_id: row.event_id,
    title: `${title} starts ${describeStart(payload)}`,
    fire_at: row.fire_at.toISOString(),
    fired_at: row.fired_at?.toISOString() ?? null,
    read_at: row.read_at?.toISOString() ?? null,
    payload: row.payload,
  };
}
