import { EventInputError, type SendUpdates, type UpdateScope } from './event-input.js';

/** Query parameters of DELETE /calendar/events/{id}, as given. */
export interface DeleteOptions {
  sendUpdates?: string | undefined;
  scope?: string | undefined;
}

const SEND_UPDATES: readonly SendUpdates[] = ['all', 'externalOnly', 'none'];
const SCOPES: readonly UpdateScope[] = ['this', 'following', 'all'];

/** Validates the delete options: `send_updates` defaults to `all`, `scope` applies to recurring events. */
export function deleteOptions(options: DeleteOptions): {
  sendUpdates: SendUpdates;
  scope: UpdateScope | null;
} {
  const sendUpdates = SEND_UPDATES.find((value) => value === (options.sendUpdates ?? 'all'));
  if (sendUpdates === undefined) {
    throw new EventInputError(
      'invalid_send_updates',
      'send_updates',
      `send_updates must be one of ${SEND_UPDATES.join(', ')}`,
    );
  }
  if (options.scope === undefined) return { sendUpdates, scope: null };
  const scope = SCOPES.find((value) => value === options.scope);
  if (scope === undefined) {
    throw new EventInputError('invalid_scope', 'scope', `scope must be one of ${SCOPES.join(', ')}`);
  }
  return { sendUpdates, scope };
}
