import { describe, expect, it } from 'vitest';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UpstreamError,
  ValidationError,
} from '../errors.js';
import { statusOfAppError } from './errors.js';

class ContactMissing extends NotFoundError {}
class OddRule extends AppError {
  readonly code = 'odd_rule';
}

describe('statusOfAppError', () => {
  it.each([
    [new NotFoundError('x'), 404],
    [new ValidationError('x'), 400],
    [new ConflictError('x'), 409],
    [new PreconditionFailedError('x'), 409],
    [new UnauthorizedError('x'), 401],
    [new ForbiddenError('x'), 403],
    [new RateLimitedError('x', 5), 429],
    [new UpstreamError('x'), 502],
    [new ServiceUnavailableError('x'), 503],
  ])('maps %o to %i', (error, status) => {
    expect(statusOfAppError(error)).toBe(status);
  });

  it('lets subclasses inherit their base status, and treats other domain errors as 400', () => {
    expect(statusOfAppError(new ContactMissing('gone'))).toBe(404);
    expect(new ContactMissing('gone').code).toBe('not_found');
    expect(new ContactMissing('gone').name).toBe('ContactMissing');
    expect(statusOfAppError(new OddRule('no'))).toBe(400);
  });
});
