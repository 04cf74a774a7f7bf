import { defineConfig } from 'vitest/config';

/**
 * Four tiers: pure unit tests next to the code; the emulator's conformance suite; service tests
 * (test/service) that run the real services on a real database with the emulator, without the
 * HTTP server or job workers; and integration tests that run the whole app end to end. Service
 * and integration tests use PGlite by default and PostgreSQL when DATABASE_URL is set.
 *
 * Integration test files run in parallel: each test app has its own emulator (port 0), its own
 * in-memory PGlite or its own PostgreSQL database, and its own HTTP port, and the processes some
 * files spawn get their own data directories. Much of their time is waiting (job polls, retry
 * backoff, a browser), so a few more workers than cores keep the CPUs busy; VITEST_MAX_WORKERS
 * overrides the count. They share their worker processes (`isolate: false`): each file still
 * imports its own modules, but the service's dependencies (PGlite's compiled WebAssembly,
 * Fastify, pg-boss, the Google client) load once per worker instead of once per file, which was
 * most of a file's start-up.
 */
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS ?? 4);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/**/*.test.ts'] } },
      { extends: true, test: { name: 'emulator', include: ['emulator/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'service', include: ['test/service/**/*.test.ts'], isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/service/**', '**/node_modules/**'],
          isolate: false,
        },
      },
    ],
  },
});
