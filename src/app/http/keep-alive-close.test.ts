import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { closeKeepAliveOnShutdown } from './keep-alive-close.js';

let app: FastifyInstance | undefined;

afterEach(() => {
  app?.server.closeAllConnections();
  app = undefined;
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('closing the server while a keep-alive request is answered', () => {
  it('answers it with Connection: close and ends its connection, so the close does not wait', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    app = Fastify();
    closeKeepAliveOnShutdown(app);
    app.get('/slow', async () => {
      entered = true;
      await gate;
      return { ok: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;

    const agent = new http.Agent({ keepAlive: true });
    const answered = new Promise<{ headers: http.IncomingHttpHeaders; socketClosed: Promise<void> }>(
      (resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
          const socketClosed = new Promise<void>((done) => res.socket.once('close', () => done()));
          res.resume();
          res.once('end', () => resolve({ headers: res.headers, socketClosed }));
        });
        req.once('error', reject);
      },
    );
    await until(() => entered);

    const server = app;
    const closed = server.close();
    await until(() => !server.server.listening);
    release();

    const { headers, socketClosed } = await answered;
    expect(headers.connection).toBe('close');
    await socketClosed;
    await closed;
    agent.destroy();
  });
});
