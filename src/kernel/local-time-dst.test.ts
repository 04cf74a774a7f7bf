import { describe, expect, it } from 'vitest';
import { parseCreateEventInput, parseUpdateEventInput } from './event-input/event-input.js';
import { codeOf } from './event-input/event-input.fixtures.js';
import { resolveTiming, type EventTiming } from './event-input/timing.js';
import { floatingToInstant, wallTimeInstants } from './time.js';

/**
 * Wall-clock times at daylight-saving changes: in America/New_York the clocks skip 02:00-03:00 on
 * 2026-03-08 and pass 01:00-02:00 twice on 2026-11-01 (EDT, UTC-4, then EST, UTC-5).
 */

const NY = 'America/New_York';
const options = { defaultTimeZone: NY };
const floating = (wall: string) => new Date(`${wall}Z`);
const iso = (instants: Date[]) => instants.map((d) => d.toISOString());

describe('wallTimeInstants', () => {
  it('gives one instant for an ordinary time, none in the spring gap, two in the autumn overlap', () => {
    expect(iso(wallTimeInstants(floating('2026-03-08T01:30:00'), NY))).toEqual(['2026-03-08T06:30:00.000Z']);
    expect(wallTimeInstants(floating('2026-03-08T02:30:00'), NY)).toEqual([]);
    expect(iso(wallTimeInstants(floating('2026-03-08T03:00:00'), NY))).toEqual(['2026-03-08T07:00:00.000Z']);
    expect(iso(wallTimeInstants(floating('2026-11-01T01:30:00'), NY))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ]);
    expect(iso(wallTimeInstants(floating('2026-11-01T02:00:00'), NY))).toEqual(['2026-11-01T07:00:00.000Z']);
  });

  it('agrees with floatingToInstant wherever the time exists (recurrence keeps RFC 5545 for gaps)', () => {
    for (const wall of [
      '2026-03-08T01:59:00',
      '2026-03-08T03:00:00',
      '2026-11-01T01:00:00',
      '2026-11-01T01:59:00',
    ]) {
      expect(wallTimeInstants(floating(wall), NY)[0]).toEqual(floatingToInstant(floating(wall), NY));
    }
    expect(floatingToInstant(floating('2026-03-08T02:30:00'), NY).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });
});

describe('event times in a DST gap', () => {
  it('refuses a start the clocks skip as nonexistent_local_time naming the field', () => {
    const error = codeOf(() =>
      parseCreateEventInput(
        { title: 'Gap', start: '2026-03-08T02:30:00', end: '2026-03-08T03:30:00', time_zone: NY },
        options,
      ),
    );
    expect(error).toMatchObject({ code: 'nonexistent_local_time', field: 'start' });
    expect(error.message).toContain('2026-03-08T02:30:00');
    expect(error.message).toContain(NY);
  });

  it('refuses an end the clocks skip, and a gap time in a change', () => {
    expect(
      codeOf(() =>
        parseCreateEventInput(
          { title: 'Gap', start: '2026-03-08T01:30', end: '2026-03-08T02:15', time_zone: NY },
          options,
        ),
      ),
    ).toMatchObject({ code: 'nonexistent_local_time', field: 'end' });
    expect(codeOf(() => parseUpdateEventInput({ start: '2026-03-08T02:00:00' }, options))).toMatchObject({
      code: 'nonexistent_local_time',
      field: 'start',
    });
  });

  it('takes the same time with an offset as the instant it names', () => {
    const input = parseCreateEventInput(
      {
        title: 'Offset',
        start: '2026-03-08T02:30:00-05:00',
        end: '2026-03-08T04:30:00-04:00',
        time_zone: NY,
      },
      options,
    );
    expect(input.startAt?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(input.endAt?.toISOString()).toBe('2026-03-08T08:30:00.000Z');
  });
});

describe('event times in a DST overlap', () => {
  it('reads an ambiguous start as its earlier instant and keeps the length the clock shows', () => {
    const input = parseCreateEventInput(
      { title: 'Overlap', start: '2026-11-01T01:30:00', end: '2026-11-01T02:30:00', time_zone: NY },
      options,
    );
    expect(input.startAt?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(input.endAt?.toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });

  it('keeps the length when both ends fall in the overlap, or only the end does', () => {
    const both = parseCreateEventInput(
      { title: 'Both', start: '2026-11-01T01:10', end: '2026-11-01T01:50', time_zone: NY },
      options,
    );
    expect(both.startAt?.toISOString()).toBe('2026-11-01T05:10:00.000Z');
    expect(both.endAt?.toISOString()).toBe('2026-11-01T05:50:00.000Z');
    const endOnly = parseCreateEventInput(
      { title: 'End', start: '2026-11-01T00:30', end: '2026-11-01T01:30', time_zone: NY },
      options,
    );
    expect(endOnly.endAt!.getTime() - endOnly.startAt!.getTime()).toBe(3_600_000);
  });

  it('keeps the duration when a change moves only the start into the overlap', () => {
    const current: EventTiming = {
      allDay: false,
      startAt: new Date('2026-10-30T14:00:00Z'),
      endAt: new Date('2026-10-30T15:00:00Z'),
      startDate: null,
      endDate: null,
      timeZone: NY,
    };
    const update = parseUpdateEventInput({ start: '2026-11-01T01:30:00' }, options);
    const moved = resolveTiming(current, update.timing ?? {});
    expect(moved.startAt?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(moved.endAt?.toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });
});
