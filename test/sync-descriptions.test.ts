import type { calendar_v3 } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { googleAs } from './support/emulator-client.js';
import type { TestApp } from './support/harness.js';
import { api, connectedUser, expectOk, type PushUser } from './support/sync-push.js';
import { useTestApp } from './support/use-test-app.js';

/** Descriptions are HTML at Google: the CRM keeps what Google's editor makes, and nothing that runs. */

interface Item {
  id: string;
  google_event_id: string;
  sync_state: string;
  description: string | null;
  description_text: string | null;
}

let t: TestApp;
let alice: PushUser;
let google: calendar_v3.Calendar;

useTestApp({}, async (app) => {
  t = app;
  alice = await connectedUser(t, 'descriptions-alice');
  google = await googleAs(t, alice.email);
});

const HOSTILE =
  '<script>alert("boom")</script><h1>HELLO</h1><ul><li>item 1</li><li onclick="steal()">item 2</li></ul>' +
  '<p>See <a href="https://example.com/deck">the deck</a>, <a href="javascript:alert(1)">this</a></p>' +
  '<style>h1{display:none}</style><img src="x" onerror="alert(2)">';
const CLEANED =
  '<h1>HELLO</h1><ul><li>item 1</li><li>item 2</li></ul>' +
  '<p>See <a href="https://example.com/deck">the deck</a>, <a>this</a></p>';

async function crmCopyOf(googleEventId: string): Promise<Item> {
  const res = await api<{ items: Item[] }>(
    t,
    alice,
    'GET',
    '/calendar/events?start_date=2027-06-01&end_date=2027-06-30',
  );
  expect(res.status).toBe(200);
  const item = res.body.items.find((i) => i.google_event_id === googleEventId);
  if (item === undefined) throw new Error(`no CRM copy of ${googleEventId}`);
  return item;
}

describe('an HTML description', () => {
  it('from Google is cleaned in the CRM, with a plain-text form, and Google keeps its own', async () => {
    const { data: made } = await google.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Described in Google',
        description: HOSTILE,
        start: { dateTime: '2027-06-07T09:00:00Z' },
        end: { dateTime: '2027-06-07T10:00:00Z' },
      },
    });
    expect((await api(t, alice, 'POST', '/calendar/sync', {})).status).toBe(200);
    const item = await crmCopyOf(made.id!);
    expect(item.description).toBe(CLEANED);
    expect(item.description_text).toBe('HELLO\n\n- item 1\n- item 2\n\nSee the deck, this');
    // A pull that stores the cleaned form is no CRM change: nothing is written back to Google.
    expect((await api(t, alice, 'POST', '/calendar/sync', {})).status).toBe(200);
    const { data: after } = await google.events.get({ calendarId: 'primary', eventId: made.id! });
    expect(after.description).toBe(HOSTILE);
    expect(after.etag).toBe(made.etag);
  });

  it('written in the CRM reaches Google cleaned; plain text stays as typed', async () => {
    const created = expectOk(
      await api<Item>(t, alice, 'POST', '/calendar/events?wait=true', {
        title: 'Described in the CRM',
        start: '2027-06-08T09:00:00Z',
        end: '2027-06-08T10:00:00Z',
        description: HOSTILE,
      }),
    );
    expect(created).toMatchObject({ sync_state: 'synced', description: CLEANED });
    const { data } = await google.events.get({ calendarId: 'primary', eventId: created.google_event_id });
    expect(data.description).toBe(CLEANED);

    const plain = 'Q&A first\n1. pricing < 10k\n2. terms';
    const updated = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${created.id}?wait=true`, { description: plain }),
      200,
    );
    // With a `<` it is read as HTML: its text is escaped, and reads back as typed.
    const escaped = 'Q&amp;A first\n1. pricing &lt; 10k\n2. terms';
    expect(updated.description).toBe(escaped);
    expect(updated.description_text).toBe(plain);
    const { data: again } = await google.events.get({
      calendarId: 'primary',
      eventId: created.google_event_id,
    });
    expect(again.description).toBe(escaped);

    const typed = 'Agenda & notes\n- pricing';
    const text = expectOk(
      await api<Item>(t, alice, 'PATCH', `/calendar/events/${created.id}?wait=true`, { description: typed }),
      200,
    );
    expect([text.description, text.description_text]).toEqual([typed, typed]);
  });
});
