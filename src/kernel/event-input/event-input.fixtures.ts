import { EventInputError } from './event-input.js';

/** Fixtures of the event-input tests: parse options, a minimal valid body, and error capture. */

export const options = { defaultTimeZone: 'America/Sao_Paulo' };
export const DEAL = '5B0C3A52-8F5E-4C43-9D0A-3B3F0A1D2E4F';
export const minimal = {
  title: 'Demo',
  start: '2026-12-07T09:00:00-05:00',
  end: '2026-12-07T10:00:00-05:00',
};

/** The EventInputError `run` throws; fails when it throws nothing or something else. */
export function codeOf(run: () => unknown): { code: string; field: string | null; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof EventInputError)
      return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected an EventInputError');
}
