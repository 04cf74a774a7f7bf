import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type TestEmulator } from './support/emulator.js';
import { timedEvent } from './support/events.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await setup();
});
afterAll(async () => {
  await emu.close();
});

describe('the page at /', () => {
  it("shows every user's calendars and events, with forms to act on them", async () => {
    const user = await emu.newUser();
    await user.cal.calendars.insert({ requestBody: { summary: 'Pipeline reviews' } });
    await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2032-08-01T10:00:00Z', 60, { summary: 'Board meeting' }),
    });
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(user.email);
    expect(html).toContain('Pipeline reviews');
    expect(html).toContain('Board meeting');
    expect(html).toMatch(/<form\b[^>]*method\s*=\s*["']?post/i);
  });

  it('creates events of every type through its form, fromGmail included', async () => {
    const user = await emu.newUser();
    const post = (fields: Record<string, string>) =>
      fetch(`${emu.url}/__ui/events/create`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          calendarId: user.email,
          start: '2032-08-03T09:00',
          end: '2032-08-03T17:00',
          ...fields,
        }).toString(),
      });
    const forms: Array<Record<string, string>> = [
      {
        summary: 'Office',
        eventType: 'workingLocation',
        workingLocation: 'officeLocation',
        locationLabel: 'HQ',
      },
      { summary: 'Away', eventType: 'outOfOffice', autoDeclineMode: 'declineAllConflictingInvitations' },
      { summary: 'Focus', eventType: 'focusTime' },
      { summary: "Ada's birthday", eventType: 'birthday' },
      { summary: 'Flight', eventType: 'fromGmail' },
    ];
    for (const fields of forms) expect((await post(fields)).status).toBe(303);
    const { data } = await user.cal.events.list({ calendarId: 'primary' });
    const bySummary = new Map(data.items!.map((e) => [e.summary, e]));
    expect(bySummary.get('Office')?.workingLocationProperties).toEqual({
      type: 'officeLocation',
      officeLocation: { label: 'HQ' },
    });
    expect(bySummary.get('Away')?.outOfOfficeProperties?.autoDeclineMode).toBe(
      'declineAllConflictingInvitations',
    );
    expect(bySummary.get('Focus')?.eventType).toBe('focusTime');
    expect(bySummary.get("Ada's birthday")).toMatchObject({
      eventType: 'birthday',
      start: { date: '2032-08-03' },
    });
    expect(bySummary.get('Flight')?.eventType).toBe('fromGmail');
  });

  it('escapes event text instead of rendering it as markup', async () => {
    const user = await emu.newUser();
    await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2032-08-02T10:00:00Z', 60, { summary: '<script>alert("x")</script>' }),
    });
    const html = await (await fetch(`${emu.url}/`)).text();
    expect(html).not.toContain('<script>alert("x")</script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
