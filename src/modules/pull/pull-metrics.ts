import { Counter, Histogram, type Registry } from 'prom-client';
import type { PullCounts, PullTrigger } from './pull.types.js';

/** Prometheus metrics of the pull side, registered in the app's registry (served at /metrics). */
export class PullMetrics {
  readonly events: Counter<'outcome'>;
  readonly pulls: Counter<'trigger' | 'status'>;
  readonly duration: Histogram<'kind' | 'outcome'>;
  readonly webhooks: Counter<'result'>;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'sync_pull_events_total',
      help: 'Events handled by pulls from Google, by outcome (fetched, created, updated, deleted, skipped, unchanged, sanitised)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    this.pulls = new Counter({
      name: 'sync_pulls_total',
      help: 'Calendar pulls, by trigger and status (pulled, busy, skipped, failed)',
      labelNames: ['trigger', 'status'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'sync_pull_duration_seconds',
      help: 'Duration of calendar pulls in seconds, by kind (full, incremental) and outcome (ok, error)',
      labelNames: ['kind', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    });
    this.webhooks = new Counter({
      name: 'sync_webhooks_total',
      help: 'Google push notifications received, by result (queued, collapsed, sync, ignored, unknown_channel, bad_token)',
      labelNames: ['result'] as const,
      registers: [registry],
    });
  }

  recordWebhook(result: 'queued' | 'collapsed' | 'sync' | 'ignored' | 'unknown_channel' | 'bad_token'): void {
    this.webhooks.inc({ result });
  }

  recordCounts(counts: PullCounts): void {
    for (const outcome of ['fetched', 'created', 'updated', 'deleted', 'skipped', 'unchanged'] as const) {
      if (counts[outcome] > 0) this.events.inc({ outcome }, counts[outcome]);
    }
  }

  /** Events stored after characters the database cannot hold were removed (src/kernel/storable-text.ts). */
  recordSanitised(events: number): void {
    if (events > 0) this.events.inc({ outcome: 'sanitised' }, events);
  }

  recordPull(trigger: PullTrigger, status: string): void {
    this.pulls.inc({ trigger, status });
  }

  recordDuration(kind: 'full' | 'incremental', outcome: 'ok' | 'error', seconds: number): void {
    this.duration.observe({ kind, outcome }, seconds);
  }
}
