import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WEBHOOK_PATH } from '../../../modules/calendars/index.js';
import { errorEnvelopeSchema } from '../errors.js';

const headers = z.object({
  'x-goog-channel-id': z.string().max(256).default('').describe('The channel the notification belongs to'),
  'x-goog-channel-token': z
    .string()
    .max(512)
    .optional()
    .describe('The token set when the channel was opened'),
  'x-goog-resource-id': z.string().max(512).optional(),
  'x-goog-resource-state': z.string().max(64).optional().describe('sync, exists or not_exists'),
  'x-goog-message-number': z.string().max(32).optional(),
});

/**
 * Google's push notifications (https://developers.google.com/calendar/api/guides/push). Answers
 * fast and never calls Google here: the channel and its token are checked, then a pull of the
 * calendar is queued (collapsed with one already queued).
 */
export const webhooksRoutes: FastifyPluginAsyncZod = async (app) => {
  // Notifications carry no body; whatever arrives is ignored rather than parsed (this plugin only).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 65_536 }, (_request, _body, done) =>
    done(null, undefined),
  );

  app.post(
    WEBHOOK_PATH,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Google Calendar push notifications (called by Google)',
        description:
          'Unknown channels answer 404 and wrong tokens 401, with nothing queued. `sync` messages are acknowledged; ' +
          '`exists` queues a pull of the calendar. PUBLIC_URL must be reachable by Google over https.',
        headers,
        response: { 204: z.null().describe('Accepted'), 401: errorEnvelopeSchema, 404: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const h = request.headers;
      await app.ctx.services.pushChannelNotifications.receive({
        channelId: h['x-goog-channel-id'],
        token: h['x-goog-channel-token'],
        resourceId: h['x-goog-resource-id'],
        resourceState: h['x-goog-resource-state'],
        messageNumber: h['x-goog-message-number'],
      });
      return reply.status(204).send(null);
    },
  );
};
