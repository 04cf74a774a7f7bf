import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor, Page } from '../../../modules/crm/index.js';
import { bearerSecurity } from '../auth.js';
import { errorEnvelopeSchema } from '../errors.js';
import {
  companyCreateBody,
  companyJson,
  companyPage,
  companyPatchBody,
  contactCreateBody,
  contactJson,
  contactPage,
  contactPatchBody,
  dealCreateBody,
  dealJson,
  dealPage,
  dealPatchBody,
  idParams,
  listQuery,
  toCompanyJson,
  toContactJson,
  toDealJson,
} from './crm.schema.js';

/** The five operations every record type offers, in domain terms. */
interface RecordService<Record, Create, Patch> {
  create(actor: Actor, input: Create): Promise<Record>;
  list(
    actor: Actor,
    options: { q?: string | undefined; cursor?: string | undefined; limit: number },
  ): Promise<Page<Record>>;
  get(actor: Actor, id: string): Promise<Record>;
  update(actor: Actor, id: string, patch: Patch): Promise<Record>;
  delete(actor: Actor, id: string): Promise<void>;
}

interface RecordRoutes<
  Record,
  Create,
  Patch,
  Json extends z.ZodType,
  CreateBody extends z.ZodType,
  PatchBody extends z.ZodType,
> {
  path: string;
  singular: string;
  plural: string;
  json: Json;
  page: z.ZodType;
  createBody: CreateBody;
  patchBody: PatchBody;
  service: RecordService<Record, Create, Patch>;
  toJson: (record: Record) => z.output<Json>;
  toCreate: (body: z.output<CreateBody>) => Create;
  toPatch: (body: z.output<PatchBody>) => Patch;
}

const failures = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/** Create, list, read, update and delete for one record type; thin: validate, call, shape. */
function registerRecordRoutes<
  Record,
  Create,
  Patch,
  Json extends z.ZodType,
  CreateBody extends z.ZodType,
  PatchBody extends z.ZodType,
>(instance: FastifyInstance, spec: RecordRoutes<Record, Create, Patch, Json, CreateBody, PatchBody>): void {
  // Generic over the record type, so request parts are typed here by the schemas that validated
  // them (Fastify ran them before the handler) rather than inferred by the type provider.
  const app = instance;
  type Params = z.output<typeof idParams>;
  const common = { tags: ['crm'], security: bearerSecurity };
  const item = `${spec.path}/:id`;

  app.post(
    spec.path,
    {
      schema: {
        ...common,
        summary: `Create a ${spec.singular}`,
        body: spec.createBody,
        response: { 201: spec.json, ...failures },
      },
    },
    async (request, reply) => {
      const record = await spec.service.create(
        request.auth,
        spec.toCreate(request.body as z.output<CreateBody>),
      );
      return reply.status(201).send(spec.toJson(record));
    },
  );

  app.get(
    spec.path,
    {
      schema: {
        ...common,
        summary: `List ${spec.plural} (search with q, page with cursor)`,
        querystring: listQuery,
        response: { 200: spec.page, ...failures },
      },
    },
    async (request) => {
      const page = await spec.service.list(request.auth, request.query as z.output<typeof listQuery>);
      return { items: page.items.map((record) => spec.toJson(record)), next_cursor: page.nextCursor };
    },
  );

  app.get(
    item,
    {
      schema: {
        ...common,
        summary: `Get a ${spec.singular}`,
        params: idParams,
        response: { 200: spec.json, ...failures },
      },
    },
    async (request) => spec.toJson(await spec.service.get(request.auth, (request.params as Params).id)),
  );

  app.patch(
    item,
    {
      schema: {
        ...common,
        summary: `Update a ${spec.singular} (null clears a field)`,
        params: idParams,
        body: spec.patchBody,
        response: { 200: spec.json, ...failures },
      },
    },
    async (request) => {
      const record = await spec.service.update(
        request.auth,
        (request.params as Params).id,
        spec.toPatch(request.body as z.output<PatchBody>),
      );
      return spec.toJson(record);
    },
  );

  app.delete(
    item,
    {
      schema: {
        ...common,
        summary: `Delete a ${spec.singular} and its activity timeline`,
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...failures },
      },
    },
    async (request, reply) => {
      await spec.service.delete(request.auth, (request.params as Params).id);
      return reply.status(204).send(null);
    },
  );
}

/** CRUD for the minimal CRM records: /crm/companies, /crm/contacts, /crm/deals. */
export const crmRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const { crm } = app.ctx.services;

  registerRecordRoutes(app, {
    path: '/crm/companies',
    singular: 'company',
    plural: 'companies',
    json: companyJson,
    page: companyPage,
    createBody: companyCreateBody,
    patchBody: companyPatchBody,
    service: crm.companies,
    toJson: toCompanyJson,
    toCreate: (body) => ({ name: body.name, domain: body.domain }),
    toPatch: (body) => ({ name: body.name, domain: body.domain }),
  });

  registerRecordRoutes(app, {
    path: '/crm/contacts',
    singular: 'contact',
    plural: 'contacts',
    json: contactJson,
    page: contactPage,
    createBody: contactCreateBody,
    patchBody: contactPatchBody,
    service: crm.contacts,
    toJson: toContactJson,
    toCreate: (body) => ({
      name: body.name,
      email: body.email,
      phone: body.phone,
      companyId: body.company_id,
    }),
    toPatch: (body) => ({
      name: body.name,
      email: body.email,
      phone: body.phone,
      companyId: body.company_id,
    }),
  });

  const dealInput = (body: z.output<typeof dealPatchBody>) => ({
    name: body.name,
    stage: body.stage,
    amountCents: body.amount,
    currency: body.currency,
    companyId: body.company_id,
    contactId: body.contact_id,
  });
  registerRecordRoutes(app, {
    path: '/crm/deals',
    singular: 'deal',
    plural: 'deals',
    json: dealJson,
    page: dealPage,
    createBody: dealCreateBody,
    patchBody: dealPatchBody,
    service: crm.deals,
    toJson: toDealJson,
    toCreate: (body) => ({ ...dealInput(body), name: body.name }),
    toPatch: dealInput,
  });
};
