import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../kernel/errors.js';
import { GoogleUnavailableError } from '../../adapters/google/errors.js';
import type { CalendarRow, CalendarsService } from '../calendars/index.js';
import type { PullService } from './pull.service.js';
import { emptyCounts, type PullOutcome } from './pull.types.js';
import { SyncNowService } from './sync-now.service.js';

const OWNER = { tenantId: 't1', userId: 'u1' };

function pulled(calendarId: string): PullOutcome {
  return {
    ...emptyCounts(),
    calendarId,
    status: 'pulled',
    reason: null,
    fullSync: false,
    pages: 1,
    rounds: 1,
  };
}

/** A sync-now service over one selected calendar whose pulls answer `answers` in turn. */
function serviceWith(answers: Array<Error | 'ok'>) {
  const calendars = {
    selectedForSync: async () => [{ id: 'cal-1' } as CalendarRow],
  } as unknown as CalendarsService;
  let pulls = 0;
  const pull = {
    pull: async (ref: { calendarId: string }) => {
      const answer = answers[pulls++] ?? 'ok';
      if (answer !== 'ok') throw answer;
      return pulled(ref.calendarId);
    },
  } as unknown as PullService;
  const sleeps: number[] = [];
  const service = new SyncNowService(calendars, pull, pino({ level: 'silent' }), {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  return { service, sleeps, pulls: () => pulls };
}

describe('SyncNowService retries', () => {
  it('retries a rate-limited pull with growing jittered waits, then reports it pulled', async () => {
    const { service, sleeps, pulls } = serviceWith([
      new RateLimitedError('slow down'),
      new GoogleUnavailableError('503'),
      'ok',
    ]);
    const [result] = await service.syncNow(OWNER, { trigger: 'manual' });
    expect(result).toMatchObject({ calendarId: 'cal-1', status: 'pulled' });
    expect(pulls()).toBe(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it('waits for a short Retry-After and gives up on a long one without waiting', async () => {
    const short = serviceWith([new RateLimitedError('slow down', 2), 'ok']);
    expect((await short.service.syncNow(OWNER, { trigger: 'manual' }))[0]?.status).toBe('pulled');
    expect(short.sleeps).toEqual([2000]);

    const long = serviceWith([new RateLimitedError('slow down', 120)]);
    const [result] = await long.service.syncNow(OWNER, { trigger: 'manual' });
    expect(result).toMatchObject({ status: 'failed', reason: 'slow down' });
    expect(long.sleeps).toEqual([]);
  });

  it('stops after the last attempt and reports the calendar as failed', async () => {
    const { service, pulls } = serviceWith([
      new GoogleUnavailableError('503'),
      new GoogleUnavailableError('503'),
      new GoogleUnavailableError('still 503'),
      'ok',
    ]);
    const [result] = await service.syncNow(OWNER, { trigger: 'manual' });
    expect(result).toMatchObject({ status: 'failed', reason: 'still 503' });
    expect(pulls()).toBe(3);
  });

  it('never retries a programming error', async () => {
    const { service, pulls, sleeps } = serviceWith([new TypeError('x is undefined'), 'ok']);
    const [result] = await service.syncNow(OWNER, { trigger: 'manual' });
    expect(result).toMatchObject({ status: 'failed', reason: 'x is undefined' });
    expect(pulls()).toBe(1);
    expect(sleeps).toEqual([]);
  });
});
