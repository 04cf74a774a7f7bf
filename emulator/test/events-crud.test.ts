import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { timedEvent } from './support/events.js';

let emu: TestEmulator;
let alice: Connected;
let bob: Connected;

beforeAll(async () => {
  emu = await setup();
  alice = await emu.newUser();
  bob = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});

const BASE32HEX_ID = /^[a-v0-9]{5,1024}$/;

describe('events.insert and events.get', () => {
  it('assigns a base32hex id and Google-maintained fields', async () => {
    const { data } = await alice.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2030-02-01T10:00:00Z', 30, { summary: 'Kick-off', location: 'Room 1' }),
    });
    expect(data.id).toMatch(BASE32HEX_ID);
    expect(data.kind).toBe('calendar#event');
    expect(data.status).toBe('confirmed');
    expect(data.etag).toMatch(/^".+"$/);
    expect(data.iCalUID).toEqual(expect.any(String));
    expect(data.sequence).toBe(0);
    expect(data.created).toEqual(expect.any(String));
    expect(data.updated).toEqual(expect.any(String));
    expect(data.creator).toMatchObject({ email: alice.email, self: true });
    expect(data.organizer).toMatchObject({ email: alice.email, self: true });
    expect(data.reminders).toEqual({ useDefault: true });
    expect(data.htmlLink).toMatch(/^https:\/\//);
    expect(new Date(data.start!.dateTime!).toISOString()).toBe('2030-02-01T10:00:00.000Z');

    const got = await alice.cal.events.get({ calendarId: 'primary', eventId: data.id! });
    expect(got.data).toEqual(data);
    // The calendar id of the primary calendar is the owner's email.
    const byEmail = await alice.cal.events.get({ calendarId: alice.email, eventId: data.id! });
    expect(byEmail.data.id).toBe(data.id);
  });

  it('stores all-day events with dates', async () => {
    const { data } = await alice.cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Holiday', start: { date: '2030-03-01' }, end: { date: '2030-03-02' } },
    });
    expect(data.start).toEqual({ date: '2030-03-01' });
    expect(data.end).toEqual({ date: '2030-03-02' });
  });

  it('rejects a missing end, an end before the start, and mixed date kinds', async () => {
    const start = { dateTime: '2030-02-01T10:00:00Z' };
    await expectGoogleError(
      alice.cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'x', start } }),
      400,
      'required',
    );
    await expectGoogleError(
      alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: { start, end: { dateTime: '2030-02-01T09:00:00Z' } },
      }),
      400,
      'timeRangeEmpty',
    );
    await expectGoogleError(
      alice.cal.events.insert({ calendarId: 'primary', requestBody: { start, end: { date: '2030-02-02' } } }),
      400,
      'invalid',
    );
  });

  it('answers an unknown event with 404 notFound in the exact envelope', async () => {
    const err = await expectGoogleError(
      alice.cal.events.get({ calendarId: 'primary', eventId: 'nosuchevent0' }),
      404,
      'notFound',
    );
    expect(err.error.message).toBe('Not Found');
    expect(err.error.errors).toEqual([{ domain: 'global', reason: 'notFound', message: 'Not Found' }]);
  });

  it("does not show one user's events to another", async () => {
    const { data } = await alice.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2030-02-02T10:00:00Z'),
    });
    await expectGoogleError(
      bob.cal.events.get({ calendarId: 'primary', eventId: data.id! }),
      404,
      'notFound',
    );
  });
});

describe('client-supplied ids', () => {
  it('accepts base32hex ids of 5 to 1024 characters', async () => {
    for (const id of ['abcde', 'v0123456789', 'a'.repeat(1024)]) {
      const { data } = await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-03T10:00:00Z', 60, { id }),
      });
      expect(data.id).toBe(id);
    }
  });

  it('rejects ids with other characters or lengths as 400 invalid', async () => {
    for (const id of ['abcd', 'a'.repeat(1025), 'ABCDEF', 'wxyz0', 'abc-def', 'abc_def', 'abcdé']) {
      await expectGoogleError(
        alice.cal.events.insert({
          calendarId: 'primary',
          requestBody: timedEvent('2030-02-03T10:00:00Z', 60, { id }),
        }),
        400,
        'invalid',
      );
    }
  });

  it('answers a duplicate id with 409 duplicate, even after the first was deleted', async () => {
    const body = timedEvent('2030-02-03T12:00:00Z', 60, { id: 'dup0123456' });
    await alice.cal.events.insert({ calendarId: 'primary', requestBody: body });
    await expectGoogleError(
      alice.cal.events.insert({ calendarId: 'primary', requestBody: body }),
      409,
      'duplicate',
    );
    await alice.cal.events.delete({ calendarId: 'primary', eventId: 'dup0123456' });
    await expectGoogleError(
      alice.cal.events.insert({ calendarId: 'primary', requestBody: body }),
      409,
      'duplicate',
    );
  });
});

describe('events.delete', () => {
  it('leaves a cancelled tombstone and answers a second delete with 410 deleted', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-10T10:00:00Z'),
      })
    ).data;
    const res = await alice.cal.events.delete({ calendarId: 'primary', eventId: created.id! });
    expect(res.status).toBe(204);
    const tombstone = (await alice.cal.events.get({ calendarId: 'primary', eventId: created.id! })).data;
    expect(tombstone.status).toBe('cancelled');
    expect(tombstone.id).toBe(created.id);
    expect(tombstone.etag).not.toBe(created.etag);
    await expectGoogleError(
      alice.cal.events.delete({ calendarId: 'primary', eventId: created.id! }),
      410,
      'deleted',
    );
  });

  it('answers a delete of an unknown event with 404 notFound', async () => {
    await expectGoogleError(
      alice.cal.events.delete({ calendarId: 'primary', eventId: 'neverexisted1' }),
      404,
      'notFound',
    );
  });
});
