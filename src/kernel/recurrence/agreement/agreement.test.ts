import { describe, expect, it } from 'vitest';
import { RECURRENCE_CASES, type RefusalRule } from './cases.js';
import {
  GOOGLE_REFUSAL,
  emulatorOutcome,
  serviceApiRecurrence,
  serviceApiRefusal,
  serviceOutcome,
} from './implementations.fixtures.js';

/**
 * The service and the emulator against the shared table (cases.ts): each must give the outcome
 * Google gives, so a case that fails names the side that is wrong.
 */

/** How the service's validateRecurrence words each refusal (the text of its 400 invalid_recurrence). */
const SERVICE_REFUSALS: Record<RefusalRule, RegExp> = {
  'unsupported-frequency': /^FREQ=(HOURLY|MINUTELY|SECONDLY) is not supported/,
  'floating-until': /^UNTIL must be a UTC date-time/,
  'count-with-until': /^UNTIL and COUNT cannot both be set/,
  'missing-freq': /^FREQ is required/,
  'unknown-rule-part': /^(Unknown rule part|Empty rule part|Rule part \w+ appears twice)/,
  'unknown-property': /^(Unsupported recurrence line|Not a recurrence line)/,
  'invalid-value': /^(Invalid \w+ value|Invalid date value|Unknown time zone)/,
  'no-rule': /^Recurrence needs at least one RRULE or RDATE line/,
};

describe.each(RECURRENCE_CASES)('$name', (c) => {
  const expected = c.expected;
  if ('refused' in expected) {
    it(`the service refuses it (${expected.refused})`, () => {
      const outcome = serviceOutcome(c);
      expect(outcome).toEqual({ refused: expect.stringMatching(SERVICE_REFUSALS[expected.refused]) });
    });
    it('the emulator refuses it as Google does', () => {
      expect(emulatorOutcome(c)).toEqual({ refused: GOOGLE_REFUSAL });
    });
  } else {
    it('the service expands it', () => {
      expect(serviceOutcome(c)).toEqual(expected);
    });
    it('the emulator expands it', () => {
      expect(emulatorOutcome(c)).toEqual(expected);
    });
  }
});

describe('the table', () => {
  it('covers every refusal rule', () => {
    const rules = new Set(
      RECURRENCE_CASES.flatMap((c) => ('refused' in c.expected ? [c.expected.refused] : [])),
    );
    expect([...rules].sort()).toEqual(Object.keys(SERVICE_REFUSALS).sort());
  });

  it('has unique names', () => {
    expect(new Set(RECURRENCE_CASES.map((c) => c.name)).size).toBe(RECURRENCE_CASES.length);
  });
});

describe('the CRM API', () => {
  // A bare rule ('FREQ=WEEKLY;...') is the CRM API's shorthand for an RRULE line: it is completed,
  // not refused, before anything reaches Google.
  const refused = RECURRENCE_CASES.filter(
    (c) => 'refused' in c.expected && c.crmApi === undefined && !c.recurrence.some((l) => /^FREQ=/i.test(l)),
  );
  const accepted = RECURRENCE_CASES.filter((c) => 'starts' in c.expected && c.crmApi === undefined);
  const rewritten = RECURRENCE_CASES.filter((c) => c.crmApi !== undefined);

  it.each(refused)('answers 400 invalid_recurrence to: $name', (c) => {
    expect(serviceApiRefusal(c)).toBe('invalid_recurrence');
  });

  it.each(accepted)('accepts: $name', (c) => {
    expect(serviceApiRefusal(c)).toBeNull();
    expect(serviceApiRecurrence(c)).toEqual(c.recurrence);
  });

  describe.each(rewritten)('writes in the form Google takes: $name', (c) => {
    const crmApi = c.crmApi!;
    const written = { ...c, recurrence: crmApi.recurrence };
    it('stores the lines the table gives', () => {
      expect(serviceApiRecurrence(c)).toEqual(crmApi.recurrence);
    });
    it('the service expands them', () => {
      expect(serviceOutcome(written)).toEqual(crmApi.expected);
    });
    it('the emulator takes and expands them', () => {
      expect(emulatorOutcome(written)).toEqual(crmApi.expected);
    });
  });
});
