import { z } from 'zod';
import { TRANSPARENCIES, VISIBILITIES } from './values.js';

/**
 * The fields of an event that the three-way merge compares, in a normalized, JSON-safe form. The
 * same shape is stored as `events.synced_snapshot` (the base of later merges) and built from the
 * CRM's side (through `snapshotOf(crmEventToGoogle(...))`), so both sides normalize alike.
 * Only fields the CRM can edit take part: a field the CRM never writes could only ever show a
 * spurious "local change".
 */

export const responseStatusSchema = z.enum(['needsAction', 'declined', 'tentative', 'accepted']);

/** A start or end: a date for all-day events, or an instant (UTC ISO string) with its zone. */
export const eventTimeSchema = z.union([
  z.object({ date: z.string() }),
  z.object({ dateTime: z.string(), timeZone: z.string().nullable() }),
]);

export const snapshotAttendeeSchema = z.object({
  email: z.string(),
  name: z.string().nullable(),
  optional: z.boolean(),
  responseStatus: responseStatusSchema,
  /** Google's marker of the calendar owner's own entry; not compared. */
  self: z.boolean(),
  /** The organizer's own entry (true only; absent otherwise); not compared. */
  organizer: z.literal(true).optional(),
});

export const snapshotRemindersSchema = z.object({
  useDefault: z.boolean(),
  overrides: z.array(z.object({ method: z.enum(['email', 'popup']), minutes: z.number() })),
});

export const mergeFieldsSchema = z.object({
  summary: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  start: eventTimeSchema.nullable(),
  end: eventTimeSchema.nullable(),
  attendees: z.array(snapshotAttendeeSchema),
  reminders: snapshotRemindersSchema.nullable(),
  recurrence: z.array(z.string()).nullable(),
  /** Whether the event has (or asks for) a Meet conference. */
  conference: z.boolean(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']),
  // Who sees the event and what guests may do. Absent means Google's default (OPTION_DEFAULTS), as
  // in Google's own representation and in snapshots stored before these fields were compared.
  visibility: z.enum(VISIBILITIES).optional(),
  transparency: z.enum(TRANSPARENCIES).optional(),
  guestsCanModify: z.boolean().optional(),
  guestsCanInviteOthers: z.boolean().optional(),
  guestsCanSeeOtherGuests: z.boolean().optional(),
});

/** Google's value of each optional merge field when the event names none. */
export const OPTION_DEFAULTS = {
  visibility: 'default',
  transparency: 'opaque',
  guestsCanModify: false,
  guestsCanInviteOthers: true,
  guestsCanSeeOtherGuests: true,
} as const satisfies Partial<Record<keyof z.infer<typeof mergeFieldsSchema>, unknown>>;

/** The merge fields that may be absent (meaning Google's default). */
export type OptionField = keyof typeof OPTION_DEFAULTS;

export function isOptionField(field: string): field is OptionField {
  return Object.hasOwn(OPTION_DEFAULTS, field);
}

/** An optional merge field's value, Google's default when absent. */
export function optionValue<F extends OptionField>(
  fields: Pick<MergeFields, F>,
  field: F,
): NonNullable<MergeFields[F]> {
  return (fields[field] ?? OPTION_DEFAULTS[field]) as NonNullable<MergeFields[F]>;
}

/**
 * Sets an optional merge field in the normalized form: left out when it is Google's default, so a
 * default reads the same whether Google named it or not.
 */
export function setOption<F extends OptionField>(
  fields: MergeFields,
  field: F,
  value: MergeFields[F] | null | undefined,
): void {
  if (value === undefined || value === null || value === OPTION_DEFAULTS[field]) delete fields[field];
  else fields[field] = value;
}

export type EventTime = z.infer<typeof eventTimeSchema>;
export type SnapshotAttendee = z.infer<typeof snapshotAttendeeSchema>;
export type SnapshotReminders = z.infer<typeof snapshotRemindersSchema>;
export type MergeFields = z.infer<typeof mergeFieldsSchema>;
export type ResponseStatus = z.infer<typeof responseStatusSchema>;

export function responseStatusOf(value: string | null | undefined): ResponseStatus {
  const parsed = responseStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : 'needsAction';
}

/** Reads a stored `synced_snapshot`; null when absent or not in the current shape (no base: see mergeEvent). */
export function parseSnapshot(value: unknown): MergeFields | null {
  const parsed = mergeFieldsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
