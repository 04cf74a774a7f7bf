import { describe, expect, it } from 'vitest';
import * as errors from '../../kernel/errors.js';
import { statusOfAppError } from './errors.js';

class ContactMissing extends errors.NotFoundError {}
class OddRule extends errors.AppError {
  readonly code = 'odd_rule';
}

describe('statusOfAppError', () => {
  it.each([
    [new errors.NotFoundError('x'), 404],
    [new errors.ValidationError('x'), 400],
    [new errors.ConflictError('x'), 409],
    [new errors.PreconditionFailedError('x'), 409],
    [new errors.UnauthorizedError('x'), 401],
    [new errors.ForbiddenError('x'), 403],
    [new errors.RateLimitedError('x', 5), 429],
    [new errors.UpstreamError('x'), 502],
    [new errors.ServiceUnavailableError('x'), 503],
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
