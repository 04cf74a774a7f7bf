import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from './harness.js';

/**
 * One test app for the tests of a file: started before them, handed to `ready` (which keeps it
 * and does the file's own setup, e.g. connecting a user), and closed after them.
 */
export function useTestApp(options: TestAppOptions, ready: (app: TestApp) => void | Promise<void>): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(options);
    await ready(app);
  });
  afterAll(async () => {
    await app?.close();
  });
}
