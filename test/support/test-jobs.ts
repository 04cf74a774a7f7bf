/**
 * Job names used only by the tests of the job queue itself. Declared by augmenting the job map,
 * the same way a module adds its jobs, so the tests use the typed API unchanged.
 */
declare module '../../src/adapters/queue/job-map.js' {
  interface JobPayloads {
    /** Test: records its payload. */
    'test.record': { value: string };
    /** Test: fails on its first attempt(s), then succeeds. */
    'test.flaky': { value: string };
    /** Test: runs for a while (graceful shutdown). */
    'test.slow': { ms: number };
    /** Test: collapsed per key (singleton policy). */
    'test.singleton': { key: string };
    /** Test: blocks until released (long-running job workers). */
    'test.long': { key: string };
    /** Test: worked by a seldom-polling worker. */
    'test.seldom': { value: string };
    /** Test: fired by a cron schedule. */
    'test.cron': { tick: string };
  }
}

export {};
