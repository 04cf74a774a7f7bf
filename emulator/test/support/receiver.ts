import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
// The one wait helper of the repository's tests (it imports nothing from the service).
import { waitFor } from '../../../test/support/wait-for.js';

/** One push notification as the receiver saw it. */
export interface Notification {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** Status the receiver answered with. */
  answered: number;
}

/** A local HTTP endpoint that records the push notifications posted to it. */
export interface Receiver {
  address: string;
  received: Notification[];
  /** Answer the next `count` notifications with `status` instead of 200. */
  failNext(count: number, status: number): void;
  /** Resolves once `predicate` holds over the received notifications, or rejects after `timeoutMs`. */
  waitFor(predicate: (received: Notification[]) => boolean, timeoutMs?: number): Promise<Notification[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Notification[] = [];
  const failures: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answered = failures.shift() ?? 200;
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        answered,
      });
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}/notifications`,
    received,
    failNext(count, status) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    waitFor: async (predicate, timeoutMs = 5000) => {
      await waitFor('the notifications awaited', () => predicate(received), timeoutMs, 10);
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
