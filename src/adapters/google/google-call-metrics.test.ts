import { describe, expect, it } from 'vitest';
import {
  calendarMethodId,
  outcomeOfStatus,
  timedGoogleCall,
  type GoogleCall,
} from './google-call-metrics.js';

const root = 'https://www.googleapis.com/calendar/v3';

describe('calendarMethodId', () => {
  it.each([
    ['GET', `${root}/users/me/calendarList`, 'calendar.calendarList.list'],
    ['GET', `${root}/users/me/calendarList/primary`, 'calendar.calendarList.get'],
    ['GET', `${root}/calendars/a%40b.com/events`, 'calendar.events.list'],
    ['POST', `${root}/calendars/primary/events`, 'calendar.events.insert'],
    ['POST', `${root}/calendars/primary/events/watch`, 'calendar.events.watch'],
    ['GET', `${root}/calendars/primary/events/abc123`, 'calendar.events.get'],
    ['PUT', `${root}/calendars/primary/events/abc123`, 'calendar.events.update'],
    ['PATCH', `${root}/calendars/primary/events/abc123`, 'calendar.events.patch'],
    ['DELETE', `${root}/calendars/primary/events/abc123`, 'calendar.events.delete'],
    ['GET', `${root}/calendars/primary/events/abc123/instances`, 'calendar.events.instances'],
    ['POST', `${root}/channels/stop`, 'calendar.channels.stop'],
    ['POST', `${root}/freeBusy`, 'calendar.freebusy.query'],
    ['GET', `${root}/calendars/primary`, 'calendar.calendars.get'],
    ['GET', 'http://127.0.0.1:8085/calendar/v3/calendars/primary/events', 'calendar.events.list'],
    ['GET', `${root}/nothing/here`, 'calendar.other'],
    ['GET', 'https://example.com/other', 'calendar.other'],
  ])('%s %s -> %s', (method, url, id) => {
    expect(calendarMethodId(method, url)).toBe(id);
  });
});

describe('outcomes', () => {
  it('maps statuses to bounded outcome labels', () => {
    expect(outcomeOfStatus(200)).toBe('ok');
    expect(outcomeOfStatus(304)).toBe('not_modified');
    expect(outcomeOfStatus(401)).toBe('unauthorized');
    expect(outcomeOfStatus(429)).toBe('rate_limited');
    expect(outcomeOfStatus(403, 'rateLimitExceeded')).toBe('rate_limited');
    expect(outcomeOfStatus(403, 'forbidden')).toBe('client_error');
    expect(outcomeOfStatus(503)).toBe('server_error');
    expect(outcomeOfStatus(undefined)).toBe('network_error');
  });

  it('records successes and failures with their duration', async () => {
    const calls: GoogleCall[] = [];
    await expect(
      timedGoogleCall(
        (c) => calls.push(c),
        'oauth.token',
        async () => 42,
      ),
    ).resolves.toBe(42);
    const failure = Object.assign(new Error('boom'), { response: { status: 500, data: {} } });
    await expect(
      timedGoogleCall(
        (c) => calls.push(c),
        'oauth.revoke',
        async () => Promise.reject(failure),
      ),
    ).rejects.toBe(failure);
    expect(calls.map(({ method, outcome }) => [method, outcome])).toEqual([
      ['oauth.token', 'ok'],
      ['oauth.revoke', 'server_error'],
    ]);
    expect(calls.every((c) => c.durationMs >= 0)).toBe(true);
  });
});
