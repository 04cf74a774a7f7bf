import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openSignedIn, meeting, pageToken, skip, waitForText } from './support/browser.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { googleAs } from './support/emulator-client.js';
import { emulatorAdmin } from './support/oauth-flow.js';
import { WAITING_FOR_RECONNECT } from '../src/modules/push/event-pusher.js';

/** Meetings, the schedule form and live reminders on the page, driven in Chromium. */

describe.skipIf(skip)('meetings and reminders on the page', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // With the job workers: the page's writes reach the emulated Google through the outbox.
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    const token = await pageToken('bob', 'Bob Brown', 'bob@example.com');
    const context = await browser.newContext({
      timezoneId: 'America/New_York',
      viewport: { width: 900, height: 1400 },
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await openSignedIn(page, t.baseUrl, token);
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com since /);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('schedules a meeting through the form; it is listed, then synced to Google', async () => {
    expect(await page.locator('#meetings-section').isVisible()).toBe(true);
    await waitForText(page, '#reminders-state', /Listening for reminders/);

    const start = new Date(Date.now() + 2 * 86_400_000);
    const day = start.toISOString().slice(0, 10);
    await page.getByLabel('Title').fill('Quarterly review');
    await page.getByLabel('Start').fill(`${day}T15:30`);
    await page.getByLabel('Duration').selectOption('60');
    await page.getByRole('textbox', { name: 'Attendees' }).fill('carol@example.org, dave@example.org');
    await page.getByLabel('add a Google Meet link').check();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await waitForText(page, '#schedule-status', /“Quarterly review” scheduled/);

    const item = meeting(page, 'Quarterly review');
    await item.waitFor();
    await waitForText(page, '#meetings-list', /Quarterly review.*Synced/);
    const text = (await item.textContent()) ?? '';
    // 15:30 wall-clock in the browser's zone, shown back in that zone: never shifted.
    expect(text).toMatch(/3:30\s?PM – 4:30\s?PM/);
    expect(text).toContain('carol@example.org: no answer yet');
    expect(await item.getByRole('link', { name: 'Join with Google Meet' }).getAttribute('href')).toMatch(
      /^https:\/\/meet\.google\.com\//,
    );

    // Google has it, at the instant 15:30 New York time.
    const google = await googleAs(t, 'bob@example.com');
    const listed = await google.events.list({ calendarId: 'primary', q: 'Quarterly review' });
    const created = listed.data.items?.find((e) => e.summary === 'Quarterly review');
    expect(created?.attendees?.map((a) => a.email).sort()).toEqual(['carol@example.org', 'dave@example.org']);
    const instant = await page.evaluate((wall) => new Date(wall).toISOString(), `${day}T15:30`);
    expect(new Date(created?.start?.dateTime ?? '').toISOString()).toBe(instant);
  });

  it('shows the service\u2019s 400 answer next to the form and writes nothing', async () => {
    await page.getByLabel('Title').fill('Bad invite');
    await page.getByRole('textbox', { name: 'Attendees' }).fill('not-an-email');
    await page.getByRole('button', { name: 'Schedule' }).click();
    const error = await waitForText(page, '#schedule-error', /\S/);
    expect(error).toMatch(/email/i);
    expect(await page.locator('#schedule-error').isVisible()).toBe(true);
    const rows = await t.ctx.db.selectFrom('events').select('id').where('title', '=', 'Bad invite').execute();
    expect(rows).toEqual([]);
  });

  it('lists an event created in Google after a sync, with an all-day event on its own date', async () => {
    const google = await googleAs(t, 'bob@example.com');
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    await google.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Offsite day', start: { date: day }, end: { date: next } },
    });
    const sync = await t.app.inject({
      method: 'POST',
      url: '/calendar/sync',
      payload: {},
      headers: { authorization: `Bearer ${await t.tokenFor('bob')}` },
    });
    expect(sync.statusCode, sync.body).toBe(200);
    await page.reload();
    const item = meeting(page, 'Offsite day');
    await item.waitFor();
    const expected = new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    });
    expect(await item.locator('.meeting-when').textContent()).toBe(`${expected}, all day`);
    expect(await item.locator('.sync-state').textContent()).toBe('Synced');
  });

  it('shows a failed write in words', async () => {
    const updated = await t.ctx.db
      .updateTable('events')
      .set({ sync_state: 'failed', sync_error: 'Google refused the attendee list' })
      .where('title', '=', 'Offsite day')
      .executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(1);
    const text = await waitForText(page, '#meetings-list', /Failed: Google refused the attendee list/);
    expect(text).toContain('Offsite day');
    expect(await meeting(page, 'Offsite day').locator('.sync-state').getAttribute('data-state')).toBe(
      'failed',
    );
  });

  it('shows reminders from the stream as they are delivered', async () => {
    const start = new Date(Date.now() + 10 * 60_000).toISOString();
    await t.ctx.db
      .insertInto('notifications')
      .values({
        tenant_id: 'default',
        user_id: 'bob',
        event_id: null,
        kind: 'reminder',
        fire_at: new Date(),
        fired_at: new Date(),
        outcome: 'delivered',
        payload: JSON.stringify({ title: 'Standup', start, minutes_before: 10, meet_link: null }),
      })
      .execute();
    const text = await waitForText(page, '#reminders-list', /Standup starts in 10 minutes/);
    expect(text).toContain('Starts');
    expect(await page.locator('#reminders-list .reminder-new').count()).toBe(1);
    await page.screenshot({ path: '/tmp/web-page.png', fullPage: true });
  });

  it('schedules in a chosen time zone with its own reminders, linked to a CRM record', async () => {
    const auth = { authorization: `Bearer ${await t.tokenFor('bob')}` };
    const contact = await t.app.inject({
      method: 'POST',
      url: '/crm/contacts',
      payload: { name: 'Carol Client', email: 'carol.client@example.net' },
      headers: auth,
    });
    expect(contact.statusCode, contact.body).toBe(201);
    const contactId = contact.json<{ id: string }>().id;

    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    await page.getByLabel('Title').fill('Pricing call');
    await page.getByLabel('Start').fill(`${day}T09:00`);
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await page.getByLabel('these reminders').check();
    await page.getByLabel('Reminder 1: minutes before').fill('15');
    await page.getByRole('button', { name: 'Add a reminder' }).click();
    await page.getByLabel('Reminder 2: how').selectOption('email');
    await page.getByLabel('Reminder 2: minutes before').fill('60');
    await page.getByLabel('Record type').selectOption('contact');
    await page.getByLabel('Find by name').fill('carol cl');
    await waitForText(page, '#schedule-entity-status', /^1 contact found/);
    await page
      .getByLabel('Record', { exact: true })
      .selectOption({ label: 'Carol Client (carol.client@example.net)' });
    await page.getByRole('button', { name: 'Schedule' }).click();
    await waitForText(page, '#schedule-status', /“Pricing call” scheduled/);
    // The form is ready for the next meeting: the browser's zone, default reminders, no link.
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');
    expect(await page.getByLabel('my default reminders').isChecked()).toBe(true);
    expect(await page.locator('#schedule-entity-pick').isVisible()).toBe(false);

    const item = meeting(page, 'Pricing call');
    await item.waitFor();
    await waitForText(page, '#meetings-list', /Pricing call.*Synced/);
    const text = (await item.textContent()) ?? '';
    // 09:00 in Tokyo is 19:00 the evening before in New York, where the browser is.
    expect(text).toMatch(/7:00\s?PM – 7:30\s?PM/);
    await waitForText(page, '#meetings-list', /CRM record: contact “Carol Client” \(linked in the CRM\)/);

    const google = await googleAs(t, 'bob@example.com');
    const listed = await google.events.list({ calendarId: 'primary', q: 'Pricing call' });
    const created = listed.data.items?.find((e) => e.summary === 'Pricing call');
    expect(new Date(created?.start?.dateTime ?? '').toISOString()).toBe(`${day}T00:00:00.000Z`);
    expect(created?.reminders?.useDefault).toBe(false);
    expect(created?.reminders?.overrides?.map((o) => `${o.method}:${o.minutes}`).sort()).toEqual([
      'email:60',
      'popup:15',
    ]);
    const row = await t.ctx.db
      .selectFrom('events')
      .select(['entity_type', 'entity_id', 'entity_source'])
      .where('title', '=', 'Pricing call')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ entity_type: 'contact', entity_id: contactId, entity_source: 'crm' });
  });

  it('asks for the record when a record type is chosen without one, and sends nothing', async () => {
    await page.getByLabel('Title').fill('Unlinked call');
    await page.getByLabel('Record type').selectOption('deal');
    await page.getByLabel('Find by name').fill('no such deal');
    await waitForText(page, '#schedule-entity-status', /^No deals match\.$/);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await waitForText(page, '#schedule-error', /Choose the CRM record to link/);
    const rows = await t.ctx.db
      .selectFrom('events')
      .select('id')
      .where('title', '=', 'Unlinked call')
      .execute();
    expect(rows).toEqual([]);
    await page.getByLabel('Record type').selectOption({ label: 'No link' });
    await page.getByLabel('Title').fill('');
  });

  it('shows the reason Google gave when it refuses a meeting', async () => {
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'calendar.events.insert' },
      count: 1,
      action: { status: 400, reason: 'invalid', message: 'Invalid attendee email.' },
    });
    try {
      await page.getByLabel('Title').fill('Refused call');
      await page.getByRole('textbox', { name: 'Attendees' }).fill('erin@example.org');
      await page.getByRole('button', { name: 'Schedule' }).click();
      await waitForText(page, '#schedule-status', /“Refused call” scheduled/);
      await waitForText(page, '#meetings-list', /Refused call.*Failed: .*Invalid attendee email/);
      const state = meeting(page, 'Refused call').locator('.sync-state');
      expect(await state.getAttribute('data-state')).toBe('failed');
      // Announced when it first shows.
      expect(await state.getAttribute('role')).toBe('alert');
    } finally {
      await emulatorAdmin(t, 'DELETE', '/faults');
    }
  });

  it('prompts to reconnect while changes wait, and sends them once reconnected', async () => {
    await t.ctx.db
      .updateTable('events')
      .set({ sync_state: 'pending', sync_error: WAITING_FOR_RECONNECT })
      .where('title', '=', 'Quarterly review')
      .execute();
    await t.ctx.db
      .updateTable('connections')
      .set({ status: 'reauth_required', last_error: 'invalid_grant: Token has been expired or revoked.' })
      .where('tenant_id', '=', 'default')
      .where('user_id', '=', 'bob')
      .execute();
    await page.reload();
    await waitForText(page, '#connection-text', /^Google access was revoked: reconnect$/);
    expect(await page.locator('#reconnect-prompt').isVisible()).toBe(true);
    expect(await page.locator('#schedule-section').isVisible()).toBe(false);
    const state = meeting(page, 'Quarterly review').locator('.sync-state');
    await state.waitFor();
    await waitForText(
      page,
      '#meetings-list',
      /Quarterly review.*Not sent yet: Waiting for Google Calendar to be reconnected/,
    );

    await page.getByRole('button', { name: 'Reconnect Google Calendar' }).click();
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com since /);
    expect(await page.locator('#reconnect-prompt').isVisible()).toBe(false);
    await meeting(page, 'Quarterly review').waitFor();
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('#meetings-list > li')).some(
          (li) =>
            li.querySelector('h3')?.textContent === 'Quarterly review' &&
            li.querySelector('.sync-state')?.textContent === 'Synced',
        ),
      undefined,
      { timeout: 15_000 },
    );
  });

  it('runs without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
