import { AppError } from '../../../kernel/errors.js';

/** 400: an option is given in both the query and the body, with different values. */
class ConflictingParameterError extends AppError {
  readonly code = 'conflicting_parameter';
}

/** The options of a change or delete that PATCH and DELETE take in the query or the body. */
interface ChangeOptions {
  scope?: string | undefined;
  send_updates?: string | undefined;
}

const NAMES = ['scope', 'send_updates'] as const;

/**
 * The change options of a request, from its query and its body: each may come from either, or
 * from both with the same value; different values are refused rather than one winning silently.
 */
export function changeOptionsOf(
  query: ChangeOptions,
  body: ChangeOptions | null | undefined,
): { scope?: string; send_updates?: string } {
  const options: { scope?: string; send_updates?: string } = {};
  for (const name of NAMES) {
    const inQuery = query[name];
    const inBody = body?.[name];
    if (inQuery !== undefined && inBody !== undefined && inQuery !== inBody) {
      throw new ConflictingParameterError(
        `${name} is "${inQuery}" in the query but "${inBody}" in the body: give it in one place`,
        { field: name },
      );
    }
    const value = inQuery ?? inBody;
    if (value !== undefined) options[name] = value;
  }
  return options;
}
