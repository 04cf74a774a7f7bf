import { AppError } from '../../kernel/errors.js';

/**
 * A field names a CRM record that does not exist in the caller's tenant (or the wrong kind of
 * record). Reported as 400 `invalid_reference`, with the field in `details`.
 */
export class InvalidReferenceError extends AppError {
  readonly code = 'invalid_reference';
}
