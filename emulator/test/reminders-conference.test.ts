import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, type Connected, type TestEmulator } from './support/emulator.js';
import { expectGoogleError } from './support/errors.js';
import { timedEvent } from './support/events.js';

let emu: TestEmulator;
let user: Connected;

beforeAll(async () => {
  emu = await setup();
  user = await emu.newUser();
});
afterAll(async () => {
  await emu.close();
});

const popup = (minutes: number): { method: string; minutes: number } => ({ method: 'popup', minutes });

describe('reminders', () => {
  it('stores up to five overrides with email and popup methods', async () => {
    const overrides = [
      popup(0),
      popup(10),
      { method: 'email', minutes: 60 },
      popup(1440),
      { method: 'email', minutes: 40320 },
    ];
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-01-01T10:00:00Z', 30, { reminders: { useDefault: false, overrides } }),
    });
    expect(data.reminders?.useDefault).toBe(false);
    expect(data.reminders?.overrides).toHaveLength(5);
    expect(data.reminders?.overrides).toEqual(expect.arrayContaining(overrides));
  });

  it('keeps useDefault without overrides', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-01-02T10:00:00Z', 30, { reminders: { useDefault: true } }),
    });
    expect(data.reminders).toEqual({ useDefault: true });
  });

  it('publishes the calendar default reminders on events.list and calendarList', async () => {
    const { data } = await user.cal.events.list({ calendarId: 'primary' });
    expect(Array.isArray(data.defaultReminders)).toBe(true);
    for (const reminder of data.defaultReminders!) {
      expect(['email', 'popup']).toContain(reminder.method);
      expect(reminder.minutes).toBeGreaterThanOrEqual(0);
    }
    const entry = await user.cal.calendarList.get({ calendarId: 'primary' });
    expect(entry.data.defaultReminders).toEqual(data.defaultReminders);
  });

  it('rejects default reminders combined with overrides (cannotUseDefaultRemindersAndSpecifyOverride)', async () => {
    await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2031-01-03T10:00:00Z', 30, {
          reminders: { useDefault: true, overrides: [popup(10)] },
        }),
      }),
      400,
      'cannotUseDefaultRemindersAndSpecifyOverride',
    );
  });

  it('rejects six overrides with 400', async () => {
    const overrides = [1, 2, 3, 4, 5, 6].map(popup);
    await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2031-01-04T10:00:00Z', 30, { reminders: { useDefault: false, overrides } }),
      }),
      400,
    );
  });

  it.each([
    ['more than four weeks', { method: 'popup', minutes: 40321 }],
    ['negative minutes', { method: 'popup', minutes: -1 }],
    ['an unknown method', { method: 'sms', minutes: 10 }],
    ['missing minutes', { method: 'popup' }],
  ])('rejects an override with %s with 400', async (_label, override) => {
    await expectGoogleError(
      user.cal.events.insert({
        calendarId: 'primary',
        requestBody: timedEvent('2031-01-05T10:00:00Z', 30, {
          reminders: { useDefault: false, overrides: [override] },
        }),
      }),
      400,
    );
  });

  it('validates reminders on patch too', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-01-06T10:00:00Z'),
    });
    await expectGoogleError(
      user.cal.events.patch({
        calendarId: 'primary',
        eventId: data.id!,
        requestBody: { reminders: { useDefault: true, overrides: [popup(5)] } },
      }),
      400,
      'cannotUseDefaultRemindersAndSpecifyOverride',
    );
  });
});

describe('conference data', () => {
  const createRequest = (requestId: string): object => ({
    createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } },
  });
  /** The event once its pending conference requests have been settled. */
  const settled = async (eventId: string) => {
    await emu.admin.post('/conferences/settle');
    return (await user.cal.events.get({ calendarId: 'primary', eventId })).data;
  };

  it('creates a Meet conference with conferenceDataVersion=1', async () => {
    const { data: created } = await user.cal.events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      requestBody: timedEvent('2031-02-01T10:00:00Z', 30, { conferenceData: createRequest('req-1') }),
    });
    expect(created.conferenceData?.createRequest?.status?.statusCode).toBe('pending');
    const data = await settled(created.id!);
    expect(data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    const conf = data.conferenceData!;
    expect(conf.conferenceId).toEqual(expect.any(String));
    expect(conf.conferenceSolution?.key?.type).toBe('hangoutsMeet');
    expect(conf.createRequest?.requestId).toBe('req-1');
    expect(conf.createRequest?.status?.statusCode).toBe('success');
    const video = conf.entryPoints?.find((p) => p.entryPointType === 'video');
    expect(video?.uri).toBe(data.hangoutLink);
  });

  it('is idempotent for the same requestId and makes a new conference for a new one', async () => {
    const { data: created } = await user.cal.events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      requestBody: timedEvent('2031-02-02T10:00:00Z', 30, { conferenceData: createRequest('req-2') }),
    });
    const data = await settled(created.id!);
    const same = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      conferenceDataVersion: 1,
      requestBody: { conferenceData: createRequest('req-2') },
    });
    expect(same.data.conferenceData?.conferenceId).toBe(data.conferenceData?.conferenceId);
    expect(same.data.hangoutLink).toBe(data.hangoutLink);
    const fresh = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      conferenceDataVersion: 1,
      requestBody: { conferenceData: createRequest('req-3') },
    });
    const renewed = await settled(fresh.data.id!);
    expect(renewed.conferenceData?.conferenceId).toEqual(expect.any(String));
    expect(renewed.conferenceData?.conferenceId).not.toBe(data.conferenceData?.conferenceId);
  });

  it('ignores conferenceData without conferenceDataVersion=1', async () => {
    const { data } = await user.cal.events.insert({
      calendarId: 'primary',
      requestBody: timedEvent('2031-02-03T10:00:00Z', 30, { conferenceData: createRequest('req-4') }),
    });
    expect(data.hangoutLink).toBeUndefined();
    expect(data.conferenceData).toBeUndefined();
  });

  it('keeps the conference when a later patch omits conferenceDataVersion', async () => {
    const { data: created } = await user.cal.events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      requestBody: timedEvent('2031-02-04T10:00:00Z', 30, { conferenceData: createRequest('req-5') }),
    });
    const data = await settled(created.id!);
    expect(data.hangoutLink).toEqual(expect.any(String));
    const patched = await user.cal.events.patch({
      calendarId: 'primary',
      eventId: data.id!,
      requestBody: { summary: 'renamed' },
    });
    expect(patched.data.hangoutLink).toBe(data.hangoutLink);
  });
});
