import { createServer } from 'node:net';

/**
 * Ports for servers whose configuration must name their port before they listen (PUBLIC_URL, the
 * OAuth redirect URI, a child process's PORT), so they cannot simply listen on port 0.
 */

/** A port held by a listening socket until `release()`: no other process can take it meanwhile. */
export interface ReservedPort {
  port: number;
  /** Frees the port; call it right before the real server binds it. Idempotent. */
  release(): Promise<void>;
}

/** Reserves a free port on `host` (the system picks it, as for port 0) and keeps it until released. */
export async function reservePort(host = '127.0.0.1'): Promise<ReservedPort> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error(`no TCP port reserved on ${host}`);
  }
  let released: Promise<void> | undefined;
  return {
    port: address.port,
    release: () => (released ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

/** Whether `error` is a bind that lost the race for its port. */
export function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * Runs `start` until it does not fail with EADDRINUSE (at most `attempts` times). Between the
 * release of a reserved port and the real bind, another process asking the system for a free
 * port may get that same one; `start` then begins again with a fresh reservation.
 */
export async function retryOnAddressInUse<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (!isAddressInUse(error) || attempt >= attempts) throw error;
    }
  }
}
