import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { advanceClock, timedEvent } from './support/events.js';

let emu: TestEmulator;
let alice: Connected;

beforeAll(async () => {
  emu = await setup();
  alice = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});

describe('etags, If-Match and bookkeeping fields', () => {
  it('changes etag and updated on every modification, keeps created', async () => {
    const first = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-04T10:00:00Z'),
      })
    ).data;
    await advanceClock(emu, 2_000);
    const second = (
      await alice.cal.events.patch({
        calendarId: 'primary',
        eventId: first.id!,
        requestBody: { summary: 'Renamed' },
      })
    ).data;
    expect(second.etag).not.toBe(first.etag);
    expect(Date.parse(second.updated!)).toBeGreaterThan(Date.parse(first.updated!));
    expect(second.created).toBe(first.created);
    await advanceClock(emu, 2_000);
    const third = (
      await alice.cal.events.update({
        calendarId: 'primary',
        eventId: first.id!,
        requestBody: { ...second, description: 'new' },
      })
    ).data;
    expect(third.etag).not.toBe(second.etag);
    expect(new Set([first.etag, second.etag, third.etag]).size).toBe(3);
  });

  it('answers a stale If-Match with 412 conditionNotMet on update, patch and delete', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-05T10:00:00Z'),
      })
    ).data;
    const current = (
      await alice.cal.events.patch({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: { summary: 'v2' },
      })
    ).data;
    const stale = { headers: { 'If-Match': created.etag! } };
    const params = { calendarId: 'primary', eventId: created.id! };
    await expectGoogleError(
      alice.cal.events.patch({ ...params, requestBody: { summary: 'lost' } }, stale),
      412,
      'conditionNotMet',
    );
    await expectGoogleError(
      alice.cal.events.update({ ...params, requestBody: { ...current, summary: 'lost' } }, stale),
      412,
      'conditionNotMet',
    );
    await expectGoogleError(alice.cal.events.delete(params, stale), 412, 'conditionNotMet');
    expect((await alice.cal.events.get(params)).data.summary).toBe('v2');

    const fresh = { headers: { 'If-Match': current.etag! } };
    const patched = await alice.cal.events.patch({ ...params, requestBody: { summary: 'v3' } }, fresh);
    expect(patched.data.summary).toBe('v3');
    await alice.cal.events.delete(params, { headers: { 'If-Match': patched.data.etag! } });
  });

  it('increments sequence when the time changes', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-06T10:00:00Z'),
      })
    ).data;
    const moved = (
      await alice.cal.events.patch({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: timedEvent('2030-02-06T11:00:00Z'),
      })
    ).data;
    expect(moved.sequence).toBeGreaterThan(created.sequence!);
  });

  it('refuses a sequence below the stored one with 400 invalid', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-06T12:00:00Z'),
      })
    ).data;
    const moved = (
      await alice.cal.events.patch({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: timedEvent('2030-02-06T13:00:00Z'),
      })
    ).data;
    expect(moved.sequence).toBeGreaterThan(0);
    await expectGoogleError(
      alice.cal.events.patch({ calendarId: 'primary', eventId: created.id!, requestBody: { sequence: 0 } }),
      400,
      'invalid',
    );
  });
});

describe('patch versus update', () => {
  it('update replaces the resource: omitted fields are cleared', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-07T10:00:00Z', 60, { description: 'keep?', location: 'Room 2' }),
      })
    ).data;
    const updated = (
      await alice.cal.events.update({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: timedEvent('2030-02-07T10:00:00Z', 60, { summary: 'Only summary' }),
      })
    ).data;
    expect(updated.summary).toBe('Only summary');
    expect(updated.description).toBeUndefined();
    expect(updated.location).toBeUndefined();
    expect(updated.id).toBe(created.id);
    expect(updated.iCalUID).toBe(created.iCalUID);
  });

  it('patch keeps omitted fields and replaces arrays whole', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-08T10:00:00Z', 60, {
          description: 'kept',
          attendees: [{ email: 'a@example.org' }, { email: 'b@example.org' }],
        }),
      })
    ).data;
    const patched = (
      await alice.cal.events.patch({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: { attendees: [{ email: 'c@example.org' }] },
      })
    ).data;
    expect(patched.description).toBe('kept');
    expect(patched.summary).toBe(created.summary);
    expect(patched.attendees?.map((a) => a.email)).toEqual(['c@example.org']);
  });

  it('update without start or end is 400', async () => {
    const created = (
      await alice.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2030-02-09T10:00:00Z'),
      })
    ).data;
    await expectGoogleError(
      alice.cal.events.update({
        calendarId: 'primary',
        eventId: created.id!,
        requestBody: { summary: 'no times' },
      }),
      400,
    );
  });
});
