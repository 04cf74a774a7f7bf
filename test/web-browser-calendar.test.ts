import type { calendar_v3 } from '@googleapis/calendar';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gridEvent,
  launchChromium,
  openSignedIn,
  saveScreenshot,
  skip,
  waitForText,
  watchPage,
} from './support/browser.js';
import { googleAs } from './support/emulator-client.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { authHeader, connectCalendar } from './support/oauth-flow.js';
import {
  createGoogleUser,
  listCalendars,
  pullsIdle,
  refreshCalendars,
  shareCalendar,
  syncNow,
} from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/**
 * The calendar grid on the page: synced events in the right places and colours, free/busy-only
 * calendars as busy blocks, the views, navigation and the keyboard, and all-day events on their
 * date whatever the viewer's zone. Screenshots of each view go to test-artifacts/.
 */

const ZONE = 'America/New_York';
const COLLEAGUE = 'cora-colleague@example.com';

/** YYYY-MM-DD plus days. */
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The Monday of next week in New York, so that Monday to Friday share one week view. */
function nextMonday(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
  return plusDays(today, ((8 - weekday) % 7) + 7 * Number(weekday === 1));
}

describe.skipIf(skip)('the calendar grid on the page', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: { problems: string[] };
  let token: string;
  const monday = nextMonday();

  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    await createGoogleUser(t, 'bob@example.com', ZONE);
    await connectCalendar(t, 'bob', 'bob@example.com');
    await waitFor('the initial sync of bob', async () =>
      (await listCalendars(t, 'bob')).some((c) => c.primary && c.last_sync_at !== null) ? true : undefined,
    );
    const google = await googleAs(t, 'bob@example.com');
    const at = (day: string, time: string) => ({ dateTime: `${day}T${time}:00`, timeZone: ZONE });
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Pipeline review',
        location: 'Room 4',
        description: '<b>Agenda</b>: forecast\nthen <script>alert(1)</script> questions',
        start: at(monday, '10:00'),
        end: at(monday, '11:00'),
        attendees: [{ email: 'carol@example.org' }, { email: 'dave@example.org' }],
      },
    });
    await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Offsite',
        start: { date: plusDays(monday, 2) },
        end: { date: plusDays(monday, 3) },
      },
    });
    const team = await google.calendars.insert({ requestBody: { summary: 'Team calendar', timeZone: ZONE } });
    await google.events.insert({
      calendarId: team.data.id!,
      requestBody: {
        summary: 'Team lunch',
        start: at(plusDays(monday, 1), '12:00'),
        end: at(plusDays(monday, 1), '13:00'),
      },
    });
    // A colleague shares only free/busy: the CRM cannot read the events, only when they are.
    await createGoogleUser(t, COLLEAGUE, ZONE);
    const colleague: calendar_v3.Calendar = await googleAs(t, COLLEAGUE);
    await colleague.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Private matter', start: at(monday, '14:00'), end: at(monday, '15:00') },
    });
    await shareCalendar(colleague, COLLEAGUE, 'bob@example.com', 'freeBusyReader');
    const listed = await refreshCalendars(t, 'bob');
    const teamRow = listed.find((c) => c.summary === 'Team calendar')!;
    const selected = await t.app.inject({
      method: 'PATCH',
      url: `/calendar/calendars/${teamRow.id}`,
      headers: await authHeader(t, 'bob'),
      payload: { selected: true },
    });
    expect(selected.statusCode, selected.body).toBe(200);
    await pullsIdle(t);
    await syncNow(t, 'bob');
    token = await t.tokenFor('bob');

    context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    watch = watchPage(page);
    await openSignedIn(page, t.baseUrl, token);
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com/);
    await page.getByLabel('Go to date').fill(monday);
    await gridEvent(page, 'Pipeline review').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the week in the browser\u2019s zone, each meeting on its day and hour, in its calendar\u2019s colour', async () => {
    expect(await page.locator('#calendar-zone').textContent()).toMatch(/America\/New York \(GMT-[45]\)/);
    const review = gridEvent(page, 'Pipeline review');
    // On Monday's column, at 10:00 New York time (the row of the 10:00 slot).
    expect(await review.evaluate((el) => el.closest('.fc-timegrid-col')?.getAttribute('data-date'))).toBe(
      monday,
    );
    const slotTop = await page.locator('.fc-timegrid-slot-lane[data-time="10:00:00"]').boundingBox();
    const eventTop = await review.boundingBox();
    expect(Math.abs((eventTop?.y ?? 0) - (slotTop?.y ?? 0))).toBeLessThan(3);
    expect(await review.getAttribute('aria-label')).toMatch(
      /Pipeline review, .*10:00\sAM – 11:00\sAM, bob@example\.com \(primary\)/,
    );

    const lunch = gridEvent(page, 'Team lunch');
    expect(await lunch.evaluate((el) => el.closest('.fc-timegrid-col')?.getAttribute('data-date'))).toBe(
      plusDays(monday, 1),
    );
    // Each calendar in its own colour, as its legend entry shows.
    const colorOf = (locator: ReturnType<typeof gridEvent>) =>
      locator.evaluate((el) => getComputedStyle(el).backgroundColor);
    const swatch = (name: string) =>
      page
        .locator('#calendar-legend li')
        .filter({ hasText: name })
        .locator('.swatch')
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colorOf(review)).toBe(await swatch('bob@example.com (primary)'));
    expect(await colorOf(lunch)).toBe(await swatch('Team calendar'));
    expect(await colorOf(review)).not.toBe(await colorOf(lunch));

    // The free/busy-only calendar: a busy block, without the event's title.
    const busy = page.locator('#calendar-grid .busy-block');
    await busy.first().waitFor();
    expect(await busy.count()).toBe(1);
    expect(await busy.evaluate((el) => el.closest('.fc-timegrid-col')?.getAttribute('data-date'))).toBe(
      monday,
    );
    expect(await busy.getAttribute('aria-label')).toMatch(
      /^Busy, .*2:00\sPM – 3:00\sPM, cora-colleague@example\.com$/,
    );
    expect(await page.locator('#calendar-grid').textContent()).not.toContain('Private matter');
    expect(await page.locator('#calendar-legend').textContent()).toContain(
      'cora-colleague@example.com: busy times only',
    );

    // The all-day event sits in the all-day row on its date.
    const offsite = gridEvent(page, 'Offsite');
    expect(await offsite.evaluate((el) => el.closest('.fc-daygrid-day')?.getAttribute('data-date'))).toBe(
      plusDays(monday, 2),
    );
    await saveScreenshot(page, 'calendar-week-1280');
  });

  it('opens a meeting\u2019s details from the keyboard, with the description cleaned', async () => {
    await gridEvent(page, 'Pipeline review').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('Pipeline review');
    const text = (await dialog.textContent()) ?? '';
    expect(text).toMatch(/10:00\sAM – 11:00\sAM \(America\/New York \(GMT-[45]\)\)/);
    expect(text).toContain('carol@example.org: no answer yet');
    expect(text).toContain('Room 4');
    expect(text).toContain('Synced');
    // Shown as the cleaned HTML: the bold stays, the script is gone with its content.
    expect(await dialog.locator('.event-description').textContent()).toBe(
      'Agenda: forecast\nthen  questions',
    );
    expect(await dialog.locator('.event-description b').textContent()).toBe('Agenda');
    expect(await dialog.locator('.event-description script').count()).toBe(0);
    expect(await dialog.getByRole('link', { name: 'Open in Google Calendar' }).getAttribute('href')).toMatch(
      /^https?:\/\//,
    );
    await saveScreenshot(page, 'calendar-details-1280');
    await page.keyboard.press('Escape');
    expect(await page.locator('#event-dialog').isVisible()).toBe(false);
  });

  it('switches between month, day and agenda, and goes back to today', async () => {
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await page.locator('.fc-dayGridMonth-view').waitFor();
    // Read the day once the month grid has drawn the meeting in a day cell (it redraws on reload).
    const day = await waitFor(
      'the meeting drawn in a day of the month',
      async () =>
        (await gridEvent(page, 'Pipeline review')
          .evaluate((el) => el.closest('.fc-daygrid-day')?.getAttribute('data-date'))
          .catch(() => undefined)) ?? undefined,
    );
    expect(day).toBe(monday);
    await saveScreenshot(page, 'calendar-month-1280');

    await page.getByRole('button', { name: 'Agenda', exact: true }).click();
    await page.locator('.fc-listWeek-view').waitFor();
    await waitForText(page, '#calendar-grid', /Pipeline review.*Team lunch/s);
    await saveScreenshot(page, 'calendar-agenda-1280');

    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await page.locator('.fc-timeGridDay-view').waitFor();
    await saveScreenshot(page, 'calendar-day-1280');

    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await page.locator('.fc-timeGridDay-view .fc-timegrid-col.fc-day-today').waitFor();
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.locator('.fc-timeGridWeek-view .fc-timegrid-col.fc-day-today').waitFor();
  });

  it('fits a phone-width screen, opening on one day', async () => {
    const phone = await context.newPage();
    const phoneWatch = watchPage(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    await openSignedIn(phone, t.baseUrl, token);
    await phone.locator('.fc-timeGridDay-view').waitFor();
    await phone.getByLabel('Go to date').fill(monday);
    await gridEvent(phone, 'Pipeline review').waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(phone, 'calendar-day-390');
    for (const [view, name] of [
      ['Week', 'calendar-week-390'],
      ['Month', 'calendar-month-390'],
      ['Agenda', 'calendar-agenda-390'],
    ] as const) {
      await phone.getByRole('button', { name: view, exact: true }).click();
      await gridEvent(phone, 'Pipeline review').first().waitFor();
      await saveScreenshot(phone, name);
    }
    await phone.close();
    expect(phoneWatch.problems).toEqual([]);
  });

  it.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago'])(
    'shows the all-day event on its own date in %s',
    async (timezoneId) => {
      const far = await browser.newContext({ timezoneId, viewport: { width: 1280, height: 900 } });
      const farPage = await far.newPage();
      const farWatch = watchPage(farPage);
      await openSignedIn(farPage, t.baseUrl, token);
      await farPage.getByLabel('Go to date').fill(monday);
      const offsite = gridEvent(farPage, 'Offsite');
      await offsite.waitFor();
      expect(await offsite.evaluate((el) => el.closest('.fc-daygrid-day')?.getAttribute('data-date'))).toBe(
        plusDays(monday, 2),
      );
      await far.close();
      expect(farWatch.problems).toEqual([]);
    },
  );

  it('serves FullCalendar from node_modules, and a style nonce of its own to each page', async () => {
    const script = await t.app.inject({ method: 'GET', url: '/assets/vendor/fullcalendar.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('FullCalendar');
    expect((await t.app.inject({ method: 'GET', url: '/assets/vendor/index.cjs' })).statusCode).toBe(404);
    const nonces = [];
    for (let i = 0; i < 2; i += 1) {
      const html = await t.app.inject({ method: 'GET', url: '/' });
      const csp = String(html.headers['content-security-policy']);
      const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
      expect(html.body).toContain(`<meta name="csp-nonce" content="${nonce}" />`);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('runs without script errors, console errors or failed requests', () => {
    expect(watch.problems).toEqual([]);
  });
});
