import { describe, expect, it } from 'vitest';
import {
  addDays,
  dateStartInstant,
  daysBetween,
  floatingToInstant,
  formatDateCompact,
  formatInZone,
  formatUtcCompact,
  instantToDate,
  instantToFloating,
  isValidDateString,
  isValidTimeZone,
  parseDateTime,
  parseTimeValue,
} from './time.js';

const wall = (iso: string) => new Date(`${iso}Z`);

describe('time zones and dates', () => {
  it('knows IANA zones and refuses others', () => {
    expect(isValidTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isValidTimeZone('Australia/Lord_Howe')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('validates calendar dates strictly', () => {
    expect(isValidDateString('2028-02-29')).toBe(true);
    expect(isValidDateString('2026-02-29')).toBe(false);
    expect(isValidDateString('2026-04-31')).toBe(false);
    expect(isValidDateString('2026-13-01')).toBe(false);
    expect(isValidDateString('2026-1-01')).toBe(false);
    expect(isValidDateString('2026-01-01T00:00')).toBe(false);
  });

  it('adds days and counts them across month, year and DST boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-12-24', '2027-01-02')).toBe(9);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });
});

describe('floatingToInstant (RFC 5545 wall-clock rules)', () => {
  it('reads ordinary wall times with the offset in force', () => {
    expect(floatingToInstant(wall('2026-01-15T09:00:00'), 'America/New_York').toISOString()).toBe(
      '2026-01-15T14:00:00.000Z',
    );
    expect(floatingToInstant(wall('2026-07-15T09:00:00'), 'America/New_York').toISOString()).toBe(
      '2026-07-15T13:00:00.000Z',
    );
    expect(floatingToInstant(wall('2026-07-15T09:00:00'), 'Europe/Berlin').toISOString()).toBe(
      '2026-07-15T07:00:00.000Z',
    );
  });

  it('moves a time inside the spring-forward gap by the gap (offset before the gap)', () => {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    expect(floatingToInstant(wall('2026-03-08T02:30:00'), 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST.
    expect(floatingToInstant(wall('2026-03-29T02:15:00'), 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T01:15:00.000Z',
    );
  });

  it('takes the first occurrence of a time repeated at fall-back', () => {
    // New York, 2026-11-01: 01:30 happens in EDT (05:30Z) and again in EST (06:30Z).
    expect(floatingToInstant(wall('2026-11-01T01:30:00'), 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    // Berlin, 2026-10-25: 02:30 happens in CEST (00:30Z) and in CET (01:30Z).
    expect(floatingToInstant(wall('2026-10-25T02:30:00'), 'Europe/Berlin').toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('handles Lord Howe Island, where DST moves clocks by 30 minutes', () => {
    // Standard time +10:30, daylight time +11:00.
    expect(floatingToInstant(wall('2026-07-01T09:00:00'), 'Australia/Lord_Howe').toISOString()).toBe(
      '2026-06-30T22:30:00.000Z',
    );
    expect(floatingToInstant(wall('2026-12-01T09:00:00'), 'Australia/Lord_Howe').toISOString()).toBe(
      '2026-11-30T22:00:00.000Z',
    );
    // 2026-10-04 02:00 -> 02:30: 02:10 does not exist and moves forward 30 minutes.
    expect(floatingToInstant(wall('2026-10-04T02:10:00'), 'Australia/Lord_Howe').toISOString()).toBe(
      '2026-10-03T15:40:00.000Z',
    );
    // 2026-04-05 02:00 -> 01:30: 01:45 happens twice; the first is in daylight time.
    expect(floatingToInstant(wall('2026-04-05T01:45:00'), 'Australia/Lord_Howe').toISOString()).toBe(
      '2026-04-04T14:45:00.000Z',
    );
  });

  it('keeps Sao Paulo at -03:00 all year since DST was abolished in 2019', () => {
    expect(floatingToInstant(wall('2026-01-15T09:00:00'), 'America/Sao_Paulo').toISOString()).toBe(
      '2026-01-15T12:00:00.000Z',
    );
    expect(floatingToInstant(wall('2026-11-15T09:00:00'), 'America/Sao_Paulo').toISOString()).toBe(
      '2026-11-15T12:00:00.000Z',
    );
    // Before 2019 it still had DST (-02:00 in January 2018).
    expect(floatingToInstant(wall('2018-01-15T09:00:00'), 'America/Sao_Paulo').toISOString()).toBe(
      '2018-01-15T11:00:00.000Z',
    );
  });

  it('round-trips with instantToFloating outside DST edges', () => {
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      const instant = new Date('2026-05-17T18:45:00Z');
      expect(floatingToInstant(instantToFloating(instant, zone), zone).toISOString()).toBe(
        instant.toISOString(),
      );
    }
  });
});

describe('parsing ISO 8601 / RFC 3339 values', () => {
  it('tells dates, instants and wall times apart', () => {
    expect(parseTimeValue('2026-12-07')).toEqual({ kind: 'date', date: '2026-12-07' });
    expect(parseTimeValue('2026-12-07T09:00:00Z')).toEqual({
      kind: 'instant',
      instant: new Date('2026-12-07T09:00:00Z'),
    });
    expect(parseTimeValue('2026-12-07T09:00:00-05:00')).toEqual({
      kind: 'instant',
      instant: new Date('2026-12-07T14:00:00Z'),
    });
    expect(parseTimeValue('2026-12-07T09:00:00+0530')).toEqual({
      kind: 'instant',
      instant: new Date('2026-12-07T03:30:00Z'),
    });
    expect(parseTimeValue('2026-12-07T09:00')).toEqual({
      kind: 'wall',
      floating: wall('2026-12-07T09:00:00'),
    });
    expect(parseTimeValue('2026-12-07T09:00:00.250Z')).toEqual({
      kind: 'instant',
      instant: new Date('2026-12-07T09:00:00.250Z'),
    });
  });

  it('refuses malformed values and times that do not exist', () => {
    for (const bad of [
      '',
      'tomorrow',
      '2026-12-07T25:00:00Z',
      '2026-02-30T10:00:00Z',
      '2026-12-07T09:60',
      '07/12/2026',
    ]) {
      expect(parseTimeValue(bad)).toBeNull();
    }
  });

  it('parseDateTime reads offset-less values in the given zone only', () => {
    expect(parseDateTime('2026-12-07T09:00:00', 'America/New_York')?.toISOString()).toBe(
      '2026-12-07T14:00:00.000Z',
    );
    expect(parseDateTime('2026-12-07T09:00:00', null)).toBeNull();
    expect(parseDateTime('2026-12-07T09:00:00Z', null)?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(parseDateTime('2026-12-07', 'UTC')).toBeNull();
  });
});

describe('formatting', () => {
  it('writes local wall time with the offset of the zone at that instant', () => {
    expect(formatInZone(new Date('2026-12-07T14:00:00Z'), 'America/New_York')).toBe(
      '2026-12-07T09:00:00-05:00',
    );
    expect(formatInZone(new Date('2026-07-07T13:00:00Z'), 'America/New_York')).toBe(
      '2026-07-07T09:00:00-04:00',
    );
    expect(formatInZone(new Date('2026-07-06T22:30:00Z'), 'Australia/Lord_Howe')).toBe(
      '2026-07-07T09:00:00+10:30',
    );
    expect(() => formatInZone(new Date(), 'Nowhere/City')).toThrow(/Unknown time zone/);
  });

  it('writes compact UTC and date forms used in instance ids', () => {
    expect(formatUtcCompact(new Date('2026-12-07T14:00:00.000Z'))).toBe('20261207T140000Z');
    expect(formatDateCompact('2026-12-25')).toBe('20261225');
  });

  it('places dates on the timeline of a zone without changing the date itself', () => {
    expect(dateStartInstant('2026-12-25', 'America/New_York').toISOString()).toBe('2026-12-25T05:00:00.000Z');
    expect(dateStartInstant('2026-12-25', 'Asia/Tokyo').toISOString()).toBe('2026-12-24T15:00:00.000Z');
    expect(instantToDate(new Date('2026-12-25T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-12-24');
  });
});
