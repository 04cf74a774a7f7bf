import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody } from './crm-webhook.js';
import { toNotificationItem } from './notification-item.js';
import type { NotificationRow } from '../../adapters/db/tables/notifications.js';

describe('CRM webhook signature', () => {
  it('is sha256=<hex HMAC-SHA256 of the exact body>', () => {
    const body = '{"type":"calendar.reminder","sent_at":"2031-01-01T00:00:00.000Z"}';
    const hex = createHmac('sha256', 'secret').update(body).digest('hex');
    expect(signWebhookBody(body, 'secret')).toBe(`sha256=${hex}`);
    expect(signWebhookBody(`${body} `, 'secret')).not.toBe(`sha256=${hex}`);
    expect(signWebhookBody(body, 'other')).not.toBe(`sha256=${hex}`);
  });
});

describe('notification items', () => {
  const row = (minutes: number): NotificationRow => ({
    id: 'n1',
    tenant_id: 't',
    user_id: 'u',
    event_id: 'e1',
    kind: 'reminder',
    fire_at: new Date('2031-01-01T09:50:00Z'),
    fired_at: new Date('2031-01-01T09:50:01Z'),
    read_at: null,
    created_at: new Date(),
    outcome: 'delivered',
    payload: { title: 'Standup', minutes_before: minutes },
  });

  it('says when the meeting starts', () => {
    expect(toNotificationItem(row(10)).title).toBe('Standup starts in 10 minutes');
    expect(toNotificationItem(row(60)).title).toBe('Standup starts in 1 hour');
    expect(toNotificationItem(row(2880)).title).toBe('Standup starts in 2 days');
    expect(toNotificationItem(row(0)).title).toBe('Standup starts now');
  });
});
