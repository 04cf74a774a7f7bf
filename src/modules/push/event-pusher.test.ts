import { describe, expect, it } from 'vitest';
import { GoogleApiError, GoogleUnavailableError } from '../../adapters/google/errors.js';
import { EventMappingError } from '../events/index.js';
import { PermanentPushError, permanentReason } from './event-pusher.js';

describe('permanentReason', () => {
  it('calls a 4xx answer from Google a refusal, with its status and reason', () => {
    const error = new GoogleApiError('Invalid attendee email.', 400, 'invalid');
    expect(permanentReason(error)).toBe('Google refused the change (400 invalid): Invalid attendee email.');
  });

  it('calls an event the CRM cannot express for Google a refusal', () => {
    expect(permanentReason(new EventMappingError('e1', 'no start'))).toMatch(/cannot be written to Google/);
    expect(permanentReason(new PermanentPushError('This occurrence no longer exists'))).toBe(
      'This occurrence no longer exists',
    );
  });

  it('never records a programming error or an outage as a refusal', () => {
    expect(permanentReason(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeNull();
    expect(permanentReason(new RangeError('Invalid time value'))).toBeNull();
    expect(permanentReason(new GoogleUnavailableError('503 backendError'))).toBeNull();
  });
});
