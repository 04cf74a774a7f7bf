import type { TestApp } from './harness.js';

export type CrmMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Signs `user` in to `tenant` and returns a caller of the service's HTTP API as that user. */
export async function signedInCaller(t: TestApp, user: string, tenant: string) {
  const token = await t.tokenFor(user, tenant);
  return async (method: CrmMethod, url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
}
