import { defineConfig } from 'vitest/config';

/**
 * Three tiers: pure unit tests next to the code, the emulator's conformance suite, and
 * integration tests that run the real service against the emulator and a real database
 * (PGlite by default, PostgreSQL when DATABASE_URL is set).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/**/*.test.ts'] } },
      { extends: true, test: { name: 'emulator', include: ['emulator/test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});
