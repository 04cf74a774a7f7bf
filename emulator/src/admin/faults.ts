import { z } from 'zod';
import { randomToken } from '../ids.js';
import { FAULT_REASON, isFaultStatus } from './fault-errors.js';

/**
 * Scripted faults. A request fault answers the next `count` matching Google-surface requests with
 * an error (any 4xx/5xx, optionally with a reason and message), delays them, or applies them and then drops the connection. A webhook fault
 * delays, drops, duplicates or reorders the next `count` push notifications. A conference fault
 * makes the next `count` Meet create requests end in `failure`.
 */
const errorActionSchema = z
  .object({
    status: z
      .number()
      .int()
      .refine(isFaultStatus, 'status must be an HTTP error status (400-599) with a standard meaning'),
    reason: z
      .string()
      .regex(FAULT_REASON, 'reason must be a Google error reason such as notFound (letters, digits, _)')
      .optional(),
    message: z.string().min(1).max(1000).optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict();

const requestFaultSchema = z
  .object({
    match: z
      .object({
        method: z.string().min(1).optional(),
        httpMethod: z.string().min(1).optional(),
        path: z
          .string()
          .min(1)
          .refine((p) => {
            try {
              new RegExp(p);
              return true;
            } catch {
              return false;
            }
          }, 'path must be a valid regular expression')
          .optional(),
      })
      .strict(),
    count: z.number().int().min(1).max(1_000_000).default(1),
    action: z.union([
      errorActionSchema,
      z.object({ hangMs: z.number().int().min(0).max(600_000) }).strict(),
      z.object({ applyThenDrop: z.literal(true) }).strict(),
    ]),
  })
  .strict();

const webhookFaultSchema = z
  .object({
    webhook: z
      .object({
        delayMs: z.number().int().min(0).max(600_000).optional(),
        drop: z.literal(true).optional(),
        duplicate: z.literal(true).optional(),
        reorder: z.literal(true).optional(),
      })
      .strict()
      .refine(
        (w) => Object.keys(w).length === 1,
        'webhook needs exactly one of delayMs, drop, duplicate, reorder',
      ),
    count: z.number().int().min(1).max(1_000_000).default(1),
  })
  .strict();

const conferenceFaultSchema = z
  .object({
    conference: z.object({ failure: z.literal(true) }).strict(),
    count: z.number().int().min(1).max(1_000_000).default(1),
  })
  .strict();

export const faultInputSchema = z.union([requestFaultSchema, webhookFaultSchema, conferenceFaultSchema]);

type RequestFaultAction = z.infer<typeof requestFaultSchema>['action'];
type WebhookFaultAction = z.infer<typeof webhookFaultSchema>['webhook'];

interface RequestFault {
  id: string;
  kind: 'request';
  match: z.infer<typeof requestFaultSchema>['match'];
  action: RequestFaultAction;
  count: number;
  remaining: number;
}

interface WebhookFault {
  id: string;
  kind: 'webhook';
  webhook: WebhookFaultAction;
  count: number;
  remaining: number;
}

interface ConferenceFault {
  id: string;
  kind: 'conference';
  conference: { failure: true };
  count: number;
  remaining: number;
}

type Fault = RequestFault | WebhookFault | ConferenceFault;

export class FaultRegistry {
  private faults: Fault[] = [];

  add(input: z.infer<typeof faultInputSchema>): Fault {
    const id = `fault_${randomToken(6)}`;
    const counts = { count: input.count, remaining: input.count };
    const fault: Fault =
      'webhook' in input
        ? { id, kind: 'webhook', webhook: input.webhook, ...counts }
        : 'conference' in input
          ? { id, kind: 'conference', conference: input.conference, ...counts }
          : { id, kind: 'request', match: input.match, action: input.action, ...counts };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the first request fault matching this request, if any. */
  takeRequestFault(methodId: string, httpMethod: string, path: string): RequestFaultAction | null {
    for (const fault of this.faults) {
      if (fault.kind !== 'request' || fault.remaining <= 0) continue;
      const { match } = fault;
      if (match.method && match.method !== methodId) continue;
      if (match.httpMethod && match.httpMethod.toUpperCase() !== httpMethod.toUpperCase()) continue;
      if (match.path && !new RegExp(match.path).test(path)) continue;
      fault.remaining--;
      this.prune();
      return fault.action;
    }
    return null;
  }

  takeWebhookFault(): WebhookFaultAction | null {
    for (const fault of this.faults) {
      if (fault.kind !== 'webhook' || fault.remaining <= 0) continue;
      fault.remaining--;
      this.prune();
      return fault.webhook;
    }
    return null;
  }

  /** Consumes one use of a conference fault: true when the next create request must fail. */
  takeConferenceFault(): boolean {
    const fault = this.faults.find((f) => f.kind === 'conference' && f.remaining > 0);
    if (!fault) return false;
    fault.remaining--;
    this.prune();
    return true;
  }

  private prune(): void {
    this.faults = this.faults.filter((f) => f.remaining > 0);
  }
}
