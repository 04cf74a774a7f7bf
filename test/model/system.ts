import { startWorkers } from '../../src/app/jobs/workers.js';
import type { TestApp } from '../support/harness.js';

/**
 * The running service and emulator a convergence run drives, as the run sees them: the CRM's HTTP
 * API, read-only SQL for waiting on the job queue, the emulator's URL, bearer tokens, and a way to
 * restart the job workers. The integration test runs everything in one process (`inProcessSystem`);
 * the soak (test/model/soak.ts) can run the workers as separate processes on PostgreSQL.
 */
export interface System {
  emulatorUrl: string;
  /** The OAuth client the service uses, so the test's Google clients can refresh their tokens. */
  googleClient: { clientId: string; clientSecret: string };
  /** One request to the CRM's HTTP API. */
  request(options: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
  }): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }>;
  sql<T>(text: string, values?: unknown[]): Promise<T[]>;
  tokenFor(userId: string, tenant: string): Promise<string>;
  /** Stops the job workers (running jobs finish or are failed for a retry) and starts them again. */
  restartWorkers(): Promise<void>;
  /** What the restart did, for the run's trace. */
  describe(): string;
}

/** The test app of an integration test: API, workers and emulator in this process. */
export function inProcessSystem(t: TestApp): System {
  return {
    emulatorUrl: t.emulator.url,
    googleClient: { clientId: t.config.google.clientId, clientSecret: t.config.google.clientSecret },
    async request({ method, url, headers, body }) {
      const res = await t.app.inject({
        method,
        url,
        ...(headers === undefined ? {} : { headers }),
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return {
        status: res.statusCode,
        text: res.body,
        headers: res.headers as Record<string, string | string[] | undefined>,
      };
    },
    async sql<T>(text: string, values: unknown[] = []) {
      return (await t.ctx.database.executeSql<T>(text, values)).rows;
    },
    tokenFor: (userId, tenant) => t.tokenFor(userId, tenant),
    async restartWorkers() {
      // Graceful with a short grace period: jobs still running then are failed and retried.
      await t.ctx.queue.stop({ graceful: true, timeoutMs: 2_000 });
      await t.ctx.queue.start(t.ctx.jobs);
      await startWorkers(t.ctx);
    },
    describe: () => `in-process service (${t.config.databaseUrl === undefined ? 'PGlite' : 'PostgreSQL'})`,
  };
}
