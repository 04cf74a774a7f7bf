import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcome label of a finished job. */
type JobOutcome = 'completed' | 'failed';

/**
 * The service's Prometheus metrics, in a registry of their own (not prom-client's global one), so
 * several app instances (tests) never collide. Label values are bounded: route patterns, never raw
 * URLs; Google method ids, never event ids.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly googleCalls = new Counter({
    name: 'google_api_calls_total',
    help: 'Calls to Google APIs, by method id and outcome',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly googleDuration = new Histogram({
    name: 'google_api_call_duration_seconds',
    help: 'Duration of calls to Google APIs in seconds, by method id and outcome',
    labelNames: ['method', 'outcome'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'jobs_total',
    help: 'Background jobs finished by this process, by job name and outcome',
    labelNames: ['name', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Background job run time in seconds, by job name',
    labelNames: ['name'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // Process metrics (CPU, memory, event loop lag) once per process; tests build many apps.
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Called by the Google clients for every call they make. */
  recordGoogleCall(method: string, outcome: string, seconds: number): void {
    this.googleCalls.inc({ method, outcome });
    this.googleDuration.observe({ method, outcome }, seconds);
  }

  recordJob(name: string, outcome: JobOutcome, seconds: number): void {
    this.jobs.inc({ name, outcome });
    this.jobDuration.observe({ name }, seconds);
  }

  /** The exposition text and its content type, for /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
