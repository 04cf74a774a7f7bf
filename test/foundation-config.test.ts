import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/adapters/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('starts in the embedded default with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.auth).toEqual({ mode: 'dev' });
    expect(config.google).toMatchObject({
      mode: 'emulator',
      embeddedEmulatorPort: 8085,
      apiRootUrl: 'http://127.0.0.1:8085/',
      redirectUri: 'http://localhost:3000/integrations/calendar/callback',
    });
  });

  it('talks to real Google when client credentials are set', () => {
    const config = loadConfig({
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'secret',
      PUBLIC_URL: 'https://crm.example.com/',
    });
    expect(config.google).toMatchObject({
      mode: 'google',
      embeddedEmulatorPort: undefined,
      redirectUri: 'https://crm.example.com/integrations/calendar/callback',
      tokenUrl: 'https://oauth2.googleapis.com/token',
    });
  });

  it('lists every malformed variable at once', () => {
    const problems = problemsOf({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      PUBLIC_URL: 'not a url',
      SYNC_INTERVAL_MINUTES: '0',
    });
    expect(problems).toHaveLength(4);
    for (const name of ['PORT', 'LOG_LEVEL', 'PUBLIC_URL', 'SYNC_INTERVAL_MINUTES']) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('lists every inconsistent combination at once', () => {
    const problems = problemsOf({
      GOOGLE_CLIENT_ID: 'only-the-id',
      AUTH_MODE: 'jwt',
      DATABASE_URL: 'postgres://localhost/crm',
      CRM_WEBHOOK_URL: 'https://hooks.example.com/crm',
    });
    expect(problems).toEqual([
      'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together',
      'AUTH_MODE=jwt needs CRM_JWT_SECRET or CRM_JWKS_URL',
      expect.stringContaining('TOKEN_ENCRYPTION_KEY is required with DATABASE_URL'),
      'CRM_WEBHOOK_SECRET is required with CRM_WEBHOOK_URL',
    ]);
  });

  it('refuses a short JWT secret and says how to fix it', () => {
    expect(problemsOf({ CRM_JWT_SECRET: 'short' })).toEqual([
      'CRM_JWT_SECRET must be at least 32 characters',
    ]);
    const error = (() => {
      try {
        loadConfig({ CRM_JWT_SECRET: 'short' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain(
      'Invalid configuration:\n  - CRM_JWT_SECRET must be at least 32 characters',
    );
  });
});
