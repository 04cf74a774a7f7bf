import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Owner } from '../../../kernel/refs.js';
import { UnauthorizedError } from '../../../kernel/errors.js';
import {
  notificationItemJson,
  STREAM_TICKET_TTL_MS,
  type NotificationItem,
} from '../../../modules/notifications/index.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';

const HEARTBEAT_MS = 15_000;

const listQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional().describe('true: only notifications not marked read'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional().describe('next_cursor of the previous page'),
});
const listJson = z.object({ items: z.array(notificationItemJson), next_cursor: z.string().nullable() });
const idParams = z.object({ id: z.string().max(100) });
const ticketJson = z.object({
  ticket: z.string().describe('Single use, valid 60 s: GET /notifications/stream?token=<ticket>'),
  expires_at: z.string(),
  stream_url: z.string(),
});
const streamQuery = z.strictObject({
  token: z
    .string()
    .max(200)
    .optional()
    .describe('A ticket from POST /notifications/stream-ticket (EventSource cannot send headers)'),
});

function frame(item: NotificationItem): string {
  return `id: ${item.id}\nevent: ${item.kind}\ndata: ${JSON.stringify(item)}\n\n`;
}

/**
 * The CRM's own reminder notifications: the list, marking read, and a Server-Sent Events stream
 * the page listens to. The stream authenticates with the bearer header, or with a single-use
 * 60-second ticket in `?token=` for EventSource, which cannot send headers.
 */
export const notificationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { notificationInbox, notificationStream, streamTickets } = app.ctx.services;
  const tags = ['notifications'];
  const open = new Set<ServerResponse>();
  // Streams never end on their own: close them so the server can stop.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
    open.clear();
  });

  app.get(
    '/notifications',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Reminder notifications delivered to the caller, newest first',
        querystring: listQuery,
        response: { 200: listJson, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const page = await notificationInbox.list(request.auth, {
        unreadOnly: request.query.unread === 'true',
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return { items: page.items, next_cursor: page.nextCursor };
    },
  );

  app.post(
    '/notifications/:id/read',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Mark a notification read',
        params: idParams,
        response: { 200: notificationItemJson, 401: errorEnvelopeSchema, 404: errorEnvelopeSchema },
      },
    },
    async (request) => notificationInbox.markRead(request.auth, request.params.id),
  );

  app.post(
    '/notifications/stream-ticket',
    {
      preHandler: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'A single-use ticket (60 s) to open the notification stream from a browser',
        response: { 200: ticketJson, 401: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const { ticket, expiresAt } = await streamTickets.issue(request.auth);
      reply.header('cache-control', 'no-store');
      return {
        ticket,
        expires_at: expiresAt.toISOString(),
        stream_url: `/notifications/stream?token=${encodeURIComponent(ticket)}`,
      };
    },
  );

  app.get(
    '/notifications/stream',
    {
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Server-Sent Events: one `reminder` event per notification as it is delivered',
        description: `Authenticate with the bearer header, or \`?token=\` with a ticket (single use, ${STREAM_TICKET_TTL_MS / 1000} s).`,
        querystring: streamQuery,
        response: { 401: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      let owner: Owner;
      if (request.query.token !== undefined) {
        const redeemed = await streamTickets.redeem(request.query.token);
        if (redeemed === undefined) {
          throw new UnauthorizedError(
            'The stream ticket is unknown, already used or expired: get a new one from POST /notifications/stream-ticket',
          );
        }
        owner = redeemed;
      } else {
        await app.authenticate(request, reply);
        owner = request.auth;
      }
      reply.hijack();
      const raw = reply.raw;
      // Hijacked: the headers set so far (security headers) are written here.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) raw.setHeader(name, value);
      }
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      raw.write(`retry: 3000\n: connected\n\n`);
      open.add(raw);
      const unsubscribe = notificationStream.subscribe(owner, (item) => raw.write(frame(item)));
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(raw);
      });
    },
  );
};
