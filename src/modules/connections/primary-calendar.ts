import type { GoogleConfig } from '../../adapters/config.js';
import { TokenRevokedError } from '../../adapters/google/errors.js';
import type { GoogleCallRecorder } from '../../adapters/google/google-call-metrics.js';
import { GoogleClients, type AccessTokenSource } from '../../adapters/google/google-clients.js';
import type { GoogleCalendarListEntry } from '../../adapters/google/types.js';
import type { Owner } from './connection.types.js';

/** Reads the account's primary calendar entry with the access token a consent just granted. */
export type PrimaryCalendarReader = (owner: Owner, accessToken: string) => Promise<GoogleCalendarListEntry>;

/**
 * `calendarList.get('primary')` during the OAuth callback, before the connection is stored (so
 * the token provider has nothing to read yet): the request carries the freshly granted access
 * token. A 401 on a token Google has just issued is not refreshed; it fails the consent.
 */
export function primaryCalendarReader(
  config: GoogleConfig,
  record: GoogleCallRecorder,
): PrimaryCalendarReader {
  return async (owner, accessToken) => {
    const granted: AccessTokenSource = {
      getAccessToken: async () => accessToken,
      refreshAfterUnauthorized: async () => {
        throw new TokenRevokedError('Google did not accept the access token it has just granted');
      },
    };
    const api = new GoogleClients(config, granted, record).calendarFor({ id: '', ...owner });
    const { data } = await api.calendarList.get({ calendarId: 'primary' });
    return data;
  };
}
