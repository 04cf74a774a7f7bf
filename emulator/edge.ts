import { startEmulator } from './src/index.js';
const emu = await startEmulator({ port: 0 });
const j = (path: string, init: RequestInit = {}) => fetch(emu.url + path, init).then(async (r) => `${r.status} ${(await r.text()).length}`);
await j('/__admin/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"e@example.com"}' });
const t = (await (await fetch(emu.url + '/__admin/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'e@example.com', scopes: ['https://www.googleapis.com/auth/calendar'] }) })).json()) as { access_token: string };
const h = { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json' };
const ev = '/calendar/v3/calendars/primary/events';
console.log(await j(ev, { method: 'POST', headers: h, body: '"s"' }));
console.log(await j(ev, { method: 'POST', headers: h, body: '{"start":{"dateTime":"2030-01-01T10:00:00Z","timeZone":"UTC"},"end":{"dateTime":"2030-01-01T10:00:01Z","timeZone":"UTC"},"recurrence":["RRULE:FREQ=SECONDLY"],"summary":"sec"}' }));
for (const q of ['?singleEvents=true', '?singleEvents=true&timeMin=2030-01-01T00:00:00Z&timeMax=2040-01-01T00:00:00Z&maxResults=2500', '?timeMin=2035-01-01T00:00:00Z']) {
  const t0 = performance.now();
  console.log(q, await j(ev + q, { headers: h }), Math.round(performance.now() - t0), 'ms');
}
const t0 = performance.now();
console.log(await j('/calendar/v3/freeBusy', { method: 'POST', headers: h, body: '{"timeMin":"2030-01-01T00:00:00Z","timeMax":"2031-01-01T01:00:00Z","items":[{"id":"primary"}]}' }), Math.round(performance.now() - t0), 'ms');
await emu.close();
