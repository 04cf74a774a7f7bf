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
