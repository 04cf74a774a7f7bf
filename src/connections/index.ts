import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { UsersRepository } from '../db/repositories/users.repository.js';
import { GoogleClients } from '../google/google-clients.js';
import type { GoogleCallRecorder } from '../google/google-call-metrics.js';
import type { Metrics } from '../observability/metrics.js';
import { GoogleOAuth } from '../google/oauth.js';
import type { JobQueue } from '../jobs/queue.js';
import type { TokenCipher } from '../security/token-cipher.js';
import { CalendarsRepository } from '../sync/calendars.repository.js';
import { FormerAccountRelease } from './account-channels.js';
import { ConnectService } from './connect.service.js';
import { ConnectionRepository } from './connection.repository.js';
import { ConnectionService } from './connection.service.js';
import { OAuthStateRepository } from './oauth-state.repository.js';
import { TokenProvider, type TokenProviderOptions } from './token-provider.js';

export { ConnectFailedError, type ConnectFailureReason } from './connect-errors.js';
export type {
  Connection,
  ConnectionRef,
  ConnectionStatusView,
  DisconnectSummary,
  Owner,
} from './connection.types.js';
export { ConnectService } from './connect.service.js';
export { ConnectionService } from './connection.service.js';
export { TokenProvider } from './token-provider.js';

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
}

export interface ConnectionServicesDeps {
  config: Config;
  db: Db;
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
  return {
    tokens,
    google,
    tokenCipher: deps.tokenCipher,
    connections: new ConnectionService({
      db: deps.db,
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
      db: deps.db,
      states: new OAuthStateRepository(deps.db),
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
