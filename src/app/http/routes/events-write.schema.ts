import { z } from 'zod';
import { eventItemJson } from '../../../modules/events/index.js';

/** The contract of the CRM's event writes (bodies are validated further by src/sync/event-input.ts). */

export { createEventBodySchema, updateEventBodySchema } from '../../../kernel/event-input/event-input.js';

export const eventIdParams = z.object({
  id: z
    .string()
    .max(1200)
    .describe('CRM event id, or `<series id>:<occurrence id>` for one occurrence of a series'),
});

const waitFlag = z
  .enum(['true', 'false'])
  .optional()
  .describe('true: answer once Google has confirmed the change (at most 15 s; 202 while still pending)');

export const writeQuery = z.strictObject({ wait: waitFlag });

/**
 * Who Google emails and, for recurring events, what a change or delete covers. PATCH and DELETE
 * take them in the query or the body alike (the values are checked with the rest of the input).
 */
const changeOptions = {
  send_updates: z
    .string()
    .optional()
    .describe('all (default) | externalOnly | none: who Google emails the update or cancellation to'),
  scope: z
    .string()
    .optional()
    .describe('Recurring events: this (default for an occurrence) | following | all'),
};

export const updateQuery = z.strictObject({ wait: waitFlag, ...changeOptions });

export const deleteQuery = z.strictObject(changeOptions);

// Fastify hands a request without a body to validation as null.
export const deleteBody = z
  .strictObject(changeOptions)
  .nullish()
  .describe('Optional: the same options as the query, as JSON');

export const rsvpBody = z.strictObject({
  response: z.enum(['accepted', 'declined', 'tentative']),
  send_updates: z
    .enum(['all', 'externalOnly', 'none'])
    .optional()
    .describe('Whether Google tells the organizer (default all)'),
});

export const reminderDefaultsBody = z.strictObject({
  reminders: z
    .array(z.strictObject({ method: z.string(), minutes: z.number() }))
    .describe('At most 5; applied to events created without reminders'),
});

export const reminderDefaultsJson = z.object({
  reminders: z.array(z.object({ method: z.enum(['email', 'popup']), minutes: z.number() })),
  custom: z.boolean().describe('false: the built-in defaults (email 1 day and popup 10 minutes before)'),
});

export { eventItemJson };
