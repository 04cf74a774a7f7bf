import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { Config } from '../../adapters/config.js';
import type { Db } from '../../adapters/db/database.js';
import type { UsersRepository } from '../users/index.js';
import { GoogleClients } from '../../adapters/google/google-clients.js';
import type { GoogleCallRecorder } from '../../adapters/google/google-call-metrics.js';
import type { Metrics } from '../../adapters/observability/metrics.js';
import { GoogleOAuth } from '../../adapters/google/oauth.js';
import type { JobQueue } from '../../adapters/queue/queue.js';
import type { TokenCipher } from '../../adapters/security/token-cipher.js';
import { CalendarsRepository } from '../calendars/index.js';
import { FormerAccountRelease } from './account-channels.js';
import { ConnectService } from './connect.service.js';
import { ConnectionRepository } from './connection.repository.js';
import { ConnectionService, type ConnectionServiceDeps } from './connection.service.js';
import { OAuthStateRepository } from './oauth-state.repository.js';
import { primaryCalendarReader } from './primary-calendar.js';
import { TokenProvider, type TokenProviderOptions } from './token-provider.js';

export { ConnectFailedError, type ConnectFailureReason } from './connect-errors.js';
export type { ConnectionStatusView, DisconnectSummary } from './connection.types.js';
export { ConnectService } from './connect.service.js';
export { ConnectionService } from './connection.service.js';
export { ConnectionRepository } from './connection.repository.js';
export { TokenProvider } from './token-provider.js';
export { OAuthStateRepository } from './oauth-state.repository.js';

/** The Google connection lifecycle as the app's Services expose it. */
export interface ConnectionServices {
  /** Status and disconnect of a user's Google Calendar connection. */
  connections: ConnectionService;
  /** The OAuth consent flow (connect URL and callback). */
  calendarConnect: ConnectService;
  /** Valid access tokens per connection; refresh is single-flight across processes. */
  tokens: TokenProvider;
  /** Authorized official Google clients per connection (`google.calendarFor(ref)`). */
  google: GoogleClients;
  /** Encrypts tokens at rest (AES-256-GCM, key rotation by key id). */
  tokenCipher: TokenCipher;
  /** Single-use OAuth states (the hourly purge). */
  oauthStates: OAuthStateRepository;
}

interface ConnectionServicesDeps {
  config: Config;
  db: Db;
  /** Cancels the meeting activities of the events a disconnect with purge deletes (crm's ActivityService). */
  meetings: ConnectionServiceDeps['meetings'];
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  users: UsersRepository;
  tokenCipher: TokenCipher;
  metrics: Pick<Metrics, 'recordGoogleCall'>;
  tokenOptions?: TokenProviderOptions;
}

/** Wires the connection module: repositories, OAuth, token provider, clients and services. */
export function createConnectionServices(deps: ConnectionServicesDeps): ConnectionServices {
  const logger = deps.logger.child({ component: 'connections' });
  const recordGoogleCall: GoogleCallRecorder = (call) =>
    deps.metrics.recordGoogleCall(call.method, call.outcome, call.durationMs / 1000);
  const connectionRepository = new ConnectionRepository(deps.db);
  const calendarRepository = new CalendarsRepository(deps.db);
  const oauth = new GoogleOAuth(deps.config.google, deps.clock, recordGoogleCall);
  const tokens = new TokenProvider(
    connectionRepository,
    deps.tokenCipher,
    oauth,
    deps.clock,
    logger,
    deps.tokenOptions,
  );
  const google = new GoogleClients(deps.config.google, tokens, recordGoogleCall);
  const oauthStates = new OAuthStateRepository(deps.db);
  return {
    oauthStates,
    tokens,
    google,
    tokenCipher: deps.tokenCipher,
    connections: new ConnectionService({
      db: deps.db,
      meetings: deps.meetings,
      connections: connectionRepository,
      calendars: calendarRepository,
      cipher: deps.tokenCipher,
      oauth,
      google,
      tokens,
      clock: deps.clock,
      logger,
    }),
    calendarConnect: new ConnectService({
      formerAccountRelease: new FormerAccountRelease({
        config: deps.config.google,
        oauth,
        cipher: deps.tokenCipher,
        clock: deps.clock,
        logger,
        record: recordGoogleCall,
      }),
      readPrimaryCalendar: primaryCalendarReader(deps.config.google, recordGoogleCall),
      db: deps.db,
      states: oauthStates,
      connections: connectionRepository,
      calendars: calendarRepository,
      users: deps.users,
      cipher: deps.tokenCipher,
      oauth,
      queue: deps.queue,
      clock: deps.clock,
      logger,
    }),
  };
}
export type { ConnectionRow } from '../../adapters/db/tables/connections.js';
