import type { calendar_v3 } from '@googleapis/calendar';
import type { Browser, Locator, Page } from 'playwright-core';
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
import { connectCalendar, emulatorAdmin } from './support/oauth-flow.js';
import { createGoogleUser, listCalendars, syncNow } from './support/sync-pull.js';
import { waitFor } from './support/wait-for.js';

/**
 * Managing meetings from the calendar grid: drag to move and resize (in Google through the
 * official client), a refused move reverted with the reason, one occurrence and the following
 * ones of a series edited, a cancellation that emails the guests, a meeting scheduled from an
 * empty slot, an invitation answered, and a refused meeting sent again.
 */

const ZONE = 'America/New_York';
const BOB = 'bob@example.com';
const COLLEAGUE = 'cora-colleague@example.com';

const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The Monday of next week in New York. */
function nextMonday(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
  return plusDays(today, ((8 - weekday) % 7) + 7 * Number(weekday === 1));
}

/** A wall-clock time in New York as an instant (ISO, UTC). */
function newYork(day: string, time: string): string {
  for (const offset of ['-05:00', '-04:00']) {
    const instant = new Date(`${day}T${time}:00${offset}`);
    const wall = new Intl.DateTimeFormat('en-CA', {
      timeZone: ZONE,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    }).format(instant);
    if (wall === time) return instant.toISOString();
  }
  throw new Error(`no instant for ${day} ${time} in ${ZONE}`);
}

describe.skipIf(skip)('managing meetings on the calendar grid', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let watch: { problems: string[] };
  let google: calendar_v3.Calendar;
  let colleague: calendar_v3.Calendar;
  const monday = nextMonday();
  const ids: Record<string, string> = {};
  const at = (day: string, time: string) => ({ dateTime: `${day}T${time}:00`, timeZone: ZONE });

  /** Shows the week of `day` on the grid. */
  async function goTo(day: string): Promise<void> {
    await page.getByLabel('Go to date').fill(day);
    await page.locator(`.fc-timegrid-col[data-date="${day}"]`).waitFor();
  }

  /** The point on the grid at `time` on `day`, a few pixels into the slot. */
  async function slotPoint(day: string, time: string): Promise<{ x: number; y: number }> {
    const lane = page.locator(`.fc-timegrid-slot-lane[data-time="${time}:00"]`);
    await lane.scrollIntoViewIfNeeded();
    const column = await page.locator(`.fc-timegrid-col[data-date="${day}"]`).boundingBox();
    const row = await lane.boundingBox();
    return { x: column!.x + column!.width / 2, y: row!.y + 4 };
  }

  /** Drags from the top of `handle` (or its bottom edge) to `to`. */
  async function drag(handle: Locator, to: () => Promise<{ x: number; y: number }>, edge = false) {
    await handle.scrollIntoViewIfNeeded();
    await handle.hover();
    const box = (await handle.boundingBox())!;
    const from = { x: box.x + box.width / 2, y: edge ? box.y + box.height - 2 : box.y + 4 };
    const target = await to();
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x, from.y + 8, { steps: 3 });
    await page.mouse.move(target.x, target.y, { steps: 12 });
    await page.mouse.up();
  }

  const googleEvent = async (id: string, as = google) =>
    (await as.events.get({ calendarId: 'primary', eventId: id })).data;

  /** Opens a meeting's details on the grid. */
  async function details(title: string, nth = 0) {
    await gridEvent(page, title).nth(nth).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: title }).waitFor();
    return dialog;
  }

  beforeAll(async () => {
    t = await startTestApp({ workers: true });
    browser = await launchChromium();
    await createGoogleUser(t, BOB, ZONE);
    await createGoogleUser(t, COLLEAGUE, ZONE);
    await connectCalendar(t, 'bob', BOB);
    await waitFor('the initial sync of bob', async () =>
      (await listCalendars(t, 'bob')).some((c) => c.primary && c.last_sync_at !== null) ? true : undefined,
    );
    google = await googleAs(t, BOB);
    colleague = await googleAs(t, COLLEAGUE);
    const insert = async (body: calendar_v3.Schema$Event, as = google) =>
      (await as.events.insert({ calendarId: 'primary', requestBody: body })).data.id!;
    ids.review = await insert({
      summary: 'Pipeline review',
      start: at(monday, '10:00'),
      end: at(monday, '11:00'),
      attendees: [{ email: 'carol@example.org' }],
    });
    ids.focus = await insert({
      summary: 'Solo focus',
      start: at(plusDays(monday, 1), '15:00'),
      end: at(plusDays(monday, 1), '16:00'),
    });
    ids.weekly = await insert({
      summary: 'Weekly sync',
      start: at(monday, '09:00'),
      end: at(monday, '09:30'),
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    });
    ids.partner = await insert(
      {
        summary: 'Partner sync',
        start: at(plusDays(monday, 4), '11:00'),
        end: at(plusDays(monday, 4), '11:30'),
        attendees: [{ email: BOB }],
      },
      colleague,
    );
    await syncNow(t, 'bob');

    const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    watch = watchPage(page);
    await openSignedIn(page, t.baseUrl, await t.tokenFor('bob'));
    await waitForText(page, '#connection-text', /^Connected as bob@example\.com/);
    await goTo(monday);
    await gridEvent(page, 'Pipeline review').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('drags a meeting to another day, asking whether to email the guests; Google has the new time', async () => {
    await emulatorAdmin(t, 'DELETE', '/mailbox');
    await drag(gridEvent(page, 'Pipeline review'), () => slotPoint(plusDays(monday, 1), '10:00'));
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Move “Pipeline review”?' }).waitFor();
    await dialog.getByLabel('send no email').check();
    await dialog.getByRole('button', { name: 'Move it' }).click();
    await waitForText(page, '#calendar-status', /^“Pipeline review” moved to /);
    await waitFor('the move in Google', async () =>
      new Date((await googleEvent(ids.review!)).start?.dateTime ?? 0).toISOString() ===
      newYork(plusDays(monday, 1), '10:00')
        ? true
        : undefined,
    );
    const moved = await googleEvent(ids.review!);
    expect(new Date(moved.end!.dateTime!).toISOString()).toBe(newYork(plusDays(monday, 1), '11:00'));
    expect(moved.start?.timeZone).toBe(ZONE);
    expect(
      await gridEvent(page, 'Pipeline review').evaluate((el) =>
        el.closest('.fc-timegrid-col')?.getAttribute('data-date'),
      ),
    ).toBe(plusDays(monday, 1));
    const mail = await emulatorAdmin<{ kind: string }[]>(t, 'GET', '/mailbox?email=carol@example.org');
    expect(mail.filter((m) => m.kind === 'update')).toEqual([]);
  });

  it('resizes a meeting by its lower edge', async () => {
    await waitFor('the moved meeting synced on the grid', async () =>
      (await gridEvent(page, 'Pipeline review').getAttribute('data-sync-state')) === 'synced'
        ? true
        : undefined,
    );
    await drag(gridEvent(page, 'Pipeline review'), () => slotPoint(plusDays(monday, 1), '11:30'), true);
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Move “Pipeline review”?' }).waitFor();
    await dialog.getByRole('button', { name: 'Move it' }).click();
    await waitFor('the new end in Google', async () =>
      new Date((await googleEvent(ids.review!)).end?.dateTime ?? 0).toISOString() ===
      newYork(plusDays(monday, 1), '12:00')
        ? true
        : undefined,
    );
  });

  it('puts a meeting back, with the reason, when the service refuses the move', async () => {
    await t.ctx.db
      .updateTable('connections')
      .set({ status: 'reauth_required', last_error: 'invalid_grant: Token has been expired or revoked.' })
      .where('user_id', '=', 'bob')
      .execute();
    try {
      await drag(gridEvent(page, 'Solo focus'), () => slotPoint(plusDays(monday, 2), '15:00'));
      const error = await waitForText(page, '#calendar-error', /^“Solo focus” was not moved: \S/);
      expect(error).toMatch(/reconnect/i);
      expect(
        await gridEvent(page, 'Solo focus').evaluate((el) =>
          el.closest('.fc-timegrid-col')?.getAttribute('data-date'),
        ),
      ).toBe(plusDays(monday, 1));
      expect(new Date((await googleEvent(ids.focus!)).start!.dateTime!).toISOString()).toBe(
        newYork(plusDays(monday, 1), '15:00'),
      );
    } finally {
      await t.ctx.db
        .updateTable('connections')
        .set({ status: 'active', last_error: null })
        .where('user_id', '=', 'bob')
        .execute();
    }
    // The refusal is the one failed request this test expects (Chromium logs it too).
    const expected = [
      /^HTTP 409: PATCH .*\/calendar\/events\//,
      /^console error: Failed to load resource: the server responded with a status of 409/,
    ];
    await waitFor('the refusal seen by the page', () =>
      expected.every((pattern) => watch.problems.some((line) => pattern.test(line))),
    );
    for (const pattern of expected) {
      const seen = watch.problems.filter((line) => pattern.test(line));
      expect(seen).toHaveLength(1);
      watch.problems.splice(watch.problems.indexOf(seen[0]!), 1);
    }
  });

  it('changes one occurrence of a series, then this and the following ones', async () => {
    const instances = async () =>
      (await google.events.instances({ calendarId: 'primary', eventId: ids.weekly! })).data.items?.map(
        (e) => e.summary,
      ) ?? [];
    await goTo(plusDays(monday, 7));
    let dialog = await details('Weekly sync');
    await dialog.getByRole('button', { name: 'Change…' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Change “Weekly sync”' }).waitFor();
    expect(await dialog.getByLabel('only this meeting').isChecked()).toBe(true);
    expect(await dialog.getByLabel('Repeats').inputValue()).toBe('WEEKLY');
    await dialog.getByLabel('Title', { exact: true }).fill('Weekly sync (one-off)');
    await dialog.getByLabel('send no email').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page, '#calendar-status', /^“Weekly sync \(one-off\)” was changed\.$/);
    await waitFor('the one-off in Google', async () => {
      const titles = await instances();
      return titles.join('|') === 'Weekly sync|Weekly sync (one-off)|Weekly sync|Weekly sync'
        ? true
        : undefined;
    });

    await goTo(plusDays(monday, 14));
    dialog = await details('Weekly sync');
    await dialog.getByRole('button', { name: 'Change…' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('this and the following meetings').check();
    await dialog.getByLabel('Title', { exact: true }).fill('Weekly sync v2');
    await dialog.getByLabel('Start', { exact: true }).fill(`${plusDays(monday, 14)}T09:30`);
    await dialog.getByLabel('End', { exact: true }).fill(`${plusDays(monday, 14)}T10:00`);
    await saveScreenshot(page, 'calendar-editor-1280');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page, '#calendar-status', /^“Weekly sync v2” was changed\.$/);
    await waitFor('the split series in Google', async () => {
      const { data } = await google.events.list({
        calendarId: 'primary',
        singleEvents: true,
        orderBy: 'startTime',
        timeMin: newYork(monday, '00:00'),
        timeMax: newYork(plusDays(monday, 28), '00:00'),
        q: 'Weekly sync',
      });
      const seen = (data.items ?? []).map(
        (e) => `${e.summary}@${new Date(e.start!.dateTime!).toISOString()}`,
      );
      return seen.join('|') ===
        [
          `Weekly sync@${newYork(monday, '09:00')}`,
          `Weekly sync (one-off)@${newYork(plusDays(monday, 7), '09:00')}`,
          `Weekly sync v2@${newYork(plusDays(monday, 14), '09:30')}`,
          `Weekly sync v2@${newYork(plusDays(monday, 21), '09:30')}`,
        ].join('|')
        ? true
        : undefined;
    });
    await gridEvent(page, 'Weekly sync v2').waitFor();
  });

  it('schedules a meeting from an empty slot of the grid', async () => {
    const day = plusDays(monday, 3);
    await goTo(day);
    const start = await slotPoint(day, '14:00');
    const end = await slotPoint(day, '14:30');
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y + 10, { steps: 8 });
    await page.mouse.up();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'New meeting' }).waitFor();
    expect(await dialog.getByLabel('Start', { exact: true }).inputValue()).toBe(`${day}T14:00`);
    expect(await dialog.getByLabel('End', { exact: true }).inputValue()).toBe(`${day}T15:00`);
    expect(await dialog.getByLabel('Time zone').inputValue()).toBe(ZONE);
    await dialog.getByLabel('Title', { exact: true }).fill('Demo from the grid');
    await dialog.getByLabel('Guests', { exact: true }).fill('erin@example.org');
    await dialog.getByLabel('add a Google Meet link').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page, '#calendar-status', /^“Demo from the grid” scheduled\.$/);
    const item = gridEvent(page, 'Demo from the grid');
    // The grid redraws when the reload brings the saved meeting: read its column once it is drawn.
    const column = await waitFor('the new meeting drawn in a day column', async () => {
      await item.waitFor();
      return (
        (await item
          .evaluate((el) => el.closest('.fc-timegrid-col')?.getAttribute('data-date'))
          .catch(() => undefined)) ?? undefined
      );
    });
    expect(column).toBe(day);
    const created = await waitFor('the meeting in Google, with its Meet link', async () => {
      const found = (await google.events.list({ calendarId: 'primary', q: 'Demo from the grid' })).data
        .items?.[0];
      return found?.hangoutLink ? found : undefined;
    });
    expect(new Date(created.start!.dateTime!).toISOString()).toBe(newYork(day, '14:00'));
    expect(new Date(created.end!.dateTime!).toISOString()).toBe(newYork(day, '15:00'));
    expect(created.attendees?.map((a) => a.email)).toContain('erin@example.org');
    expect(created.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\//);
  });

  it('makes a meeting private and free; Google has both and the details say so', async () => {
    await goTo(plusDays(monday, 1));
    let dialog = await details('Solo focus');
    expect(await dialog.getByText('Shows as').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Change…' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Change “Solo focus”' }).waitFor();
    expect(await dialog.getByLabel('Visibility').inputValue()).toBe('default');
    expect(await dialog.getByLabel('Show me as').inputValue()).toBe('opaque');
    await dialog.getByLabel('Visibility').selectOption('private');
    await dialog.getByLabel('Show me as').selectOption('transparent');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page, '#calendar-status', /^“Solo focus” was changed\.$/);
    const changed = await waitFor('the private, free meeting in Google', async () => {
      const event = await googleEvent(ids.focus!);
      return event.visibility === 'private' && event.transparency === 'transparent' ? event : undefined;
    });
    expect(changed.summary).toBe('Solo focus');
    dialog = await details('Solo focus');
    expect(await dialog.locator('dd', { hasText: 'only the guests see the details' }).count()).toBe(1);
    expect(await dialog.locator('dd', { hasText: /^free$/ }).count()).toBe(1);
    await page.keyboard.press('Escape');
  });

  it('answers an invitation; the organizer\u2019s copy shows the answer', async () => {
    await goTo(monday);
    const dialog = await details('Partner sync');
    expect(await dialog.textContent()).toContain('Your answer: no answer yet');
    expect(await dialog.getByRole('button', { name: 'Change…' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Yes', exact: true }).click();
    await waitForText(page, '#calendar-status', /^You answered “Yes” to “Partner sync”\.$/);
    await waitFor('the answer at the organizer', async () =>
      (await googleEvent(ids.partner!, colleague)).attendees?.find((a) => a.email === BOB)?.responseStatus ===
      'accepted'
        ? true
        : undefined,
    );
  });

  it('shows why Google refused a meeting, and sends it again', async () => {
    await t.ctx.db
      .updateTable('events')
      .set({ sync_state: 'failed', sync_error: 'Google refused the attendee list' })
      .where('title', '=', 'Solo focus')
      .execute();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await goTo(monday);
    await waitFor('the failure on the grid', async () =>
      (await gridEvent(page, 'Solo focus').getAttribute('data-sync-state')) === 'failed' ? true : undefined,
    );
    const dialog = await details('Solo focus');
    expect(await dialog.locator('.sync-state').textContent()).toBe(
      'Failed: Google refused the attendee list',
    );
    await dialog.getByRole('button', { name: 'Send to Google again' }).click();
    await waitForText(page, '#calendar-status', /is being sent to Google again/);
    await waitFor('the meeting synced again', async () => {
      const row = await t.ctx.db
        .selectFrom('events')
        .select('sync_state')
        .where('title', '=', 'Solo focus')
        .executeTakeFirstOrThrow();
      return row.sync_state === 'synced' ? true : undefined;
    });
  });

  it('cancels a meeting after asking, emailing the guests', async () => {
    await emulatorAdmin(t, 'DELETE', '/mailbox');
    let dialog = await details('Pipeline review');
    await dialog.getByRole('button', { name: 'Cancel the meeting…' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Cancel “Pipeline review”?' }).waitFor();
    expect(await dialog.getByLabel('email all guests').isChecked()).toBe(true);
    await saveScreenshot(page, 'calendar-cancel-1280');
    await dialog.getByRole('button', { name: 'Cancel the meeting' }).click();
    await waitForText(page, '#calendar-status', /^“Pipeline review” was cancelled\.$/);
    await waitFor('the meeting gone from the grid', async () =>
      (await gridEvent(page, 'Pipeline review').count()) === 0 ? true : undefined,
    );
    await waitFor('the cancellation in Google', async () =>
      (await googleEvent(ids.review!)).status === 'cancelled' ? true : undefined,
    );
    const mail = await emulatorAdmin<{ kind: string }[]>(t, 'GET', '/mailbox?email=carol@example.org');
    expect(mail.map((m) => m.kind)).toContain('cancellation');
  });

  it('runs without script errors, console errors or failed requests', () => {
    expect(watch.problems).toEqual([]);
  });
});
