import { z } from 'zod';
import type { Activity, Company, Contact, Deal } from '../../../modules/crm/index.js';
import { formatCents, parseAmountToCents } from '../../../modules/crm/index.js';

/**
 * The contract of the /crm endpoints: these schemas validate requests, shape responses and feed
 * the OpenAPI document. JSON is snake_case; the services speak camelCase domain types.
 */

const id = z.guid().describe('Record id (UUID)');
const nullableText = (max: number) => z.string().trim().max(max).nullable().optional();
const name = z.string().trim().min(1, 'name must not be blank').max(200);
const timestamp = z.string().describe('ISO 8601 instant');

/** Every body field is optional on PATCH, but an empty patch is refused rather than ignored. */
const atLeastOneField = (value: object) => Object.keys(value).length > 0;
const emptyPatch = { message: 'the patch changes nothing: send at least one field' };

export const idParams = z.object({ id });

export const listQuery = z.strictObject({
  q: z.string().trim().max(200).optional().describe('Case-insensitive search in names (and emails, domains)'),
  cursor: z.string().max(1000).optional().describe('next_cursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const activitiesParams = z.object({
  type: z
    .enum(['contacts', 'companies', 'deals', 'contact', 'company', 'deal'])
    .describe('Record type, plural or singular'),
  id,
});
export const activitiesQuery = listQuery.omit({ q: true });

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/* Companies */

export const companyJson = z
  .object({
    id,
    name: z.string(),
    domain: z.string().nullable(),
    owner_user_id: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Company' });
export const companyPage = pageOf(companyJson);

const companyFields = {
  name,
  domain: nullableText(253).describe('Domain name such as example.com (stored lower case)'),
};
export const companyCreateBody = z.strictObject(companyFields);
export const companyPatchBody = z.strictObject(companyFields).partial().refine(atLeastOneField, emptyPatch);

export function toCompanyJson(company: Company): z.infer<typeof companyJson> {
  return {
    id: company.id,
    name: company.name,
    domain: company.domain,
    owner_user_id: company.ownerUserId,
    created_at: company.createdAt.toISOString(),
    updated_at: company.updatedAt.toISOString(),
  };
}

/* Contacts */

export const contactJson = z
  .object({
    id,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    company_id: id.nullable(),
    owner_user_id: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Contact' });
export const contactPage = pageOf(contactJson);

const contactFields = {
  name,
  email: z.string().trim().max(254).pipe(z.email()).nullable().optional().describe('Matched ignoring case'),
  phone: nullableText(40),
  company_id: id.nullable().optional(),
};
export const contactCreateBody = z.strictObject(contactFields);
export const contactPatchBody = z.strictObject(contactFields).partial().refine(atLeastOneField, emptyPatch);

export function toContactJson(contact: Contact): z.infer<typeof contactJson> {
  return {
    id: contact.id,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
    company_id: contact.companyId,
    owner_user_id: contact.ownerUserId,
    created_at: contact.createdAt.toISOString(),
    updated_at: contact.updatedAt.toISOString(),
  };
}

/* Deals */

const amount = z
  .union([z.string(), z.number()])
  .describe('Decimal amount with at most two decimals, as a string ("1234.50") or a number')
  .transform((value, ctx) => {
    const parsed = parseAmountToCents(value);
    if (parsed.ok) return parsed.cents;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

export const dealJson = z
  .object({
    id,
    name: z.string(),
    stage: z.string(),
    amount: z.string().nullable().describe('Decimal string, e.g. "1234.50"'),
    amount_cents: z.number().int().nullable().describe('The amount in hundredths'),
    currency: z.string().nullable(),
    company_id: id.nullable(),
    contact_id: id.nullable(),
    owner_user_id: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Deal' });
export const dealPage = pageOf(dealJson);

const dealFields = {
  name,
  stage: z.string().trim().min(1).max(50).optional().describe('Pipeline stage; "open" by default'),
  amount: amount.nullable().optional(),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'currency must be a three-letter ISO 4217 code')
    .nullable()
    .optional(),
  company_id: id.nullable().optional(),
  contact_id: id.nullable().optional(),
};
export const dealCreateBody = z.strictObject(dealFields);
export const dealPatchBody = z.strictObject(dealFields).partial().refine(atLeastOneField, emptyPatch);

export function toDealJson(deal: Deal): z.infer<typeof dealJson> {
  return {
    id: deal.id,
    name: deal.name,
    stage: deal.stage,
    amount: deal.amountCents === null ? null : formatCents(deal.amountCents),
    amount_cents: deal.amountCents,
    currency: deal.currency,
    company_id: deal.companyId,
    contact_id: deal.contactId,
    owner_user_id: deal.ownerUserId,
    created_at: deal.createdAt.toISOString(),
    updated_at: deal.updatedAt.toISOString(),
  };
}

/* Activities */

const attendeeJson = z.object({
  email: z.string(),
  name: z.string().optional(),
  status: z.enum(['needsAction', 'declined', 'tentative', 'accepted']),
  optional: z.boolean().optional(),
  organizer: z.boolean().optional(),
  self: z.boolean().optional(),
});

export const activityJson = z
  .object({
    id,
    type: z.string().describe('"meeting" for calendar meetings'),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(['scheduled', 'cancelled', 'done']),
    entity_type: z.enum(['contact', 'company', 'deal']),
    entity_id: id,
    event_id: id.nullable().describe('The calendar event this activity mirrors'),
    user_id: z.string(),
    all_day: z.boolean(),
    meeting_start_time: timestamp.nullable().describe('Timed meetings: start instant'),
    meeting_end_time: timestamp.nullable(),
    meeting_start_date: z.string().nullable().describe('All-day meetings: first day (YYYY-MM-DD)'),
    meeting_end_date: z.string().nullable().describe('All-day meetings: day after the last (exclusive)'),
    meeting_attendees: z.array(attendeeJson),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Activity' });
export const activityPage = pageOf(activityJson);

export function toActivityJson(activity: Activity): z.infer<typeof activityJson> {
  const meeting = activity.meeting;
  return {
    id: activity.id,
    type: activity.type,
    title: activity.title,
    description: activity.description,
    status: activity.status,
    entity_type: activity.entityType,
    entity_id: activity.entityId,
    event_id: activity.eventId,
    user_id: activity.userId,
    all_day: meeting?.allDay === true,
    meeting_start_time: meeting !== null && !meeting.allDay ? meeting.start.toISOString() : null,
    meeting_end_time: meeting !== null && !meeting.allDay ? meeting.end.toISOString() : null,
    meeting_start_date: meeting?.allDay === true ? meeting.start : null,
    meeting_end_date: meeting?.allDay === true ? meeting.end : null,
    meeting_attendees: meeting?.attendees ?? [],
    created_at: activity.createdAt.toISOString(),
    updated_at: activity.updatedAt.toISOString(),
  };
}
