import type { calendar_v3 } from '@googleapis/calendar';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openSignedIn, skip, waitForText } from './support/browser.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { googleAs } from './support/emulator-client.js';
import { connectCalendar, emulatorAdmin } from './support/oauth-flow.js';
import {
  createGoogleUser,
  listCalendars,
  pullsIdle,
  refreshCalendars,
  shareCalendar,
} from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/** The calendars card: selection, sync status and errors in words, on a phone-width screen. */

const COLLEAGUE = 'carol-colleague@example.com';

describe.skipIf(skip)('calendars on the page, at phone width', () => {
  let t: TestApp;
  let browser: Browser;
  const pageErrors: string[] = [];
  let phone: Page;
  let colleague: calendar_v3.Calendar;
  let colleagueCalendarId: string;

  const shareWithBob = async (role: 'reader' | 'freeBusyReader') => {
    await shareCalendar(colleague, colleagueCalendarId, 'bob@example.com', role);
  };

  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    await connectCalendar(t, 'bob', 'bob@example.com');
    await waitFor('the initial sync of bob', async () =>
      (await listCalendars(t, 'bob')).some((c) => c.primary && c.last_sync_at !== null) ? true : undefined,
    );
    const google = await googleAs(t, 'bob@example.com');
    await google.calendars.insert({ requestBody: { summary: 'Team calendar' } });
    // Another Google account shares one of its calendars with Bob, first with its events.
    await createGoogleUser(t, COLLEAGUE);
    colleague = await googleAs(t, COLLEAGUE);
    colleagueCalendarId = (
      await colleague.calendars.insert({ requestBody: { summary: 'Colleague (free/busy)' } })
    ).data.id!;
    await shareWithBob('reader');
    // The calendars' sync status is read once below, with no pull still running.
    await pullsIdle(t);
    const context = await browser.newContext({
      timezoneId: 'America/New_York',
      viewport: { width: 360, height: 740 },
    });
    phone = await context.newPage();
    phone.on('pageerror', (error) => pageErrors.push(error.message));
    // Timers run only when the test says so: the card refreshes exactly when the test expects.
    await phone.clock.install();
    await openSignedIn(phone, t.baseUrl, await t.tokenFor('bob'));
    await waitForText(phone, '#connection-text', /^Connected as bob@example\.com since /);
    await phone.clock.pauseAt(Date.now() + 1_000);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const row = (name: string) => phone.locator('#calendars-list > li').filter({ hasText: name });

  it('lists the calendars with their sync status, read again from Google on request', async () => {
    await waitForText(phone, '#calendars-list', /bob@example\.com \(primary\)/);
    const primary = row('bob@example.com (primary)');
    expect(await primary.getByRole('checkbox').isChecked()).toBe(true);
    expect(await primary.locator('.calendar-state').textContent()).toMatch(/^Synced /);
    expect(await phone.locator('#calendars-list').textContent()).not.toContain('Team calendar');

    await phone.getByRole('button', { name: 'Read the calendar list from Google again' }).click();
    await waitForText(phone, '#calendars-list', /Team calendar/);
    expect(await row('Team calendar').getByRole('checkbox').isChecked()).toBe(false);
    expect(await row('Team calendar').locator('.calendar-state').textContent()).toBe('Not synced.');
  });

  it('selects a calendar, and shows why a free/busy-only one cannot be selected', async () => {
    await waitForText(phone, '#calendars-list', /Colleague \(free\/busy\)/);
    // The colleague now shares it as free/busy only, and the service has read the calendar list
    // again; the page has not looked since.
    await shareWithBob('freeBusyReader');
    await refreshCalendars(t, 'bob');
    const stored = await t.ctx.db
      .selectFrom('calendars')
      .select('access_role')
      .where('google_calendar_id', '=', colleagueCalendarId)
      .executeTakeFirstOrThrow();
    expect(stored.access_role).toBe('freeBusyReader');
    const colleague = row('Colleague (free/busy)');
    await colleague.getByRole('checkbox', { name: 'Colleague (free/busy)' }).click();
    await waitForText(phone, '#calendars-error', /^Selecting the calendar failed: .*free\/busy only/);
    await waitForText(
      phone,
      `#${await colleague.locator('.calendar-state').getAttribute('id')}`,
      /free\/busy only/,
    );
    expect(await colleague.getByRole('checkbox').isChecked()).toBe(false);
    expect(await colleague.getByRole('checkbox').isDisabled()).toBe(true);

    await row('Team calendar').getByRole('checkbox', { name: 'Team calendar' }).check();
    await waitForText(phone, '#calendars-status', /^Team calendar now syncs\.$/);
    expect(await row('Team calendar').getByRole('checkbox').isChecked()).toBe(true);
    const team = await t.ctx.db
      .selectFrom('calendars')
      .select('selected')
      .where('summary', '=', 'Team calendar')
      .executeTakeFirstOrThrow();
    expect(team.selected).toBe(true);
  });

  it('shows in words when Google refuses the calendar list', async () => {
    await emulatorAdmin(t, 'POST', '/faults', {
      match: { method: 'calendar.calendarList.list' },
      count: 1,
      action: { status: 403, reason: 'forbidden', message: 'The caller does not have permission' },
    });
    try {
      await phone.getByRole('button', { name: 'Read the calendar list from Google again' }).click();
      await waitForText(phone, '#calendars-error', /^The calendar list could not be read from Google: \S/);
    } finally {
      await emulatorAdmin(t, 'DELETE', '/faults');
    }
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    expect(await phone.locator('#schedule-section').isVisible()).toBe(true);
    await phone.getByLabel('these reminders').check();
    await phone.getByLabel('Record type').selectOption('contact');
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: '/tmp/web-page-phone.png', fullPage: true });
  });

  it('runs without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
