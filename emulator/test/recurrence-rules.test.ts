import type { calendar_v3 } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterAll(() => emu.close());

/** A 09:00 Europe/Paris series with the given rule lines. */
const series = (recurrence: string[]): calendar_v3.Schema$Event => ({
  summary: 'Series',
  start: { dateTime: '2034-01-02T09:00:00', timeZone: 'Europe/Paris' },
  end: { dateTime: '2034-01-02T10:00:00', timeZone: 'Europe/Paris' },
  recurrence,
});

async function expectInvalidRule(recurrence: string[]): Promise<void> {
  const error = await expectGoogleError(
    user.cal.events.insert({ calendarId: 'primary', requestBody: series(recurrence) }),
    400,
    'invalid',
  );
  expect(error.error.message).toBe('Invalid recurrence rule.');
}

describe('RFC 5545 rules as Google takes them', () => {
  it('refuses the sub-daily frequencies Google does not support', async () => {
    for (const freq of ['HOURLY', 'MINUTELY', 'SECONDLY']) {
      await expectInvalidRule([`RRULE:FREQ=${freq};COUNT=3`]);
      await expectInvalidRule([`RRULE:FREQ=DAILY;COUNT=3`, `EXRULE:FREQ=${freq};COUNT=2`]);
    }
  });

  it('refuses COUNT together with UNTIL', async () => {
    await expectInvalidRule(['RRULE:FREQ=DAILY;COUNT=3;UNTIL=20340110T080000Z']);
    await expectInvalidRule(['RRULE:FREQ=WEEKLY;UNTIL=20340110;COUNT=2']);
  });

  it('wants UNTIL in UTC for a start with a time zone: a floating UNTIL is refused', async () => {
    await expectInvalidRule(['RRULE:FREQ=DAILY;UNTIL=20340105T090000']);
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: series(['RRULE:FREQ=DAILY;UNTIL=20340104T080000Z']),
    });
    const instances = await user.cal.events.instances({ calendarId: 'primary', eventId: data.id! });
    expect(instances.data.items!.map((i) => i.start?.dateTime)).toEqual([
      '2034-01-02T09:00:00+01:00',
      '2034-01-03T09:00:00+01:00',
      '2034-01-04T09:00:00+01:00',
    ]);
  });

  it('applies the same rules when a series is changed', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: series(['RRULE:FREQ=WEEKLY;COUNT=2']),
    });
    for (const rule of ['RRULE:FREQ=HOURLY;COUNT=2', 'RRULE:FREQ=DAILY;COUNT=2;UNTIL=20340201T000000Z']) {
      const error = await expectGoogleError(
        user.cal.events.patch({
          calendarId: 'primary',
          eventId: data.id!,
          requestBody: { recurrence: [rule] },
        }),
        400,
        'invalid',
      );
      expect(error.error.message).toBe('Invalid recurrence rule.');
    }
  });
});
