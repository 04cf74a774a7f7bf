import type { FastifyInstance } from 'fastify';

/**
 * Ends keep-alive connections as the server closes. Node's `server.close()` closes the idle
 * connections only when it starts: a connection whose request is still being answered then (a
 * Google notification, a long `?wait=true` write) stays open after its answer until keep-alive
 * times out, 72 s in Fastify, and holds the close that long. So every answer sent once the close
 * has begun says `Connection: close` (the client does not reuse the connection), and the
 * connection of an answer that finishes then is ended.
 */
export function closeKeepAliveOnShutdown(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (closing && request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request) => {
    if (closing) request.raw.socket.end();
  });
}
