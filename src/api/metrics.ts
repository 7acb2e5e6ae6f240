/**
 * Prometheus metrics at `GET /metrics` (text exposition format): per-route request counts and
 * latency histograms, store faults and whether the store answers, limit checks that failed open,
 * plus Node.js process metrics. Each app has its own registry, so tests can build many apps.
 * Labels use the route pattern (`/v2/access-tokens/:uuid`), never the raw URL, so no id or name
 * ever becomes a label value.
 *
 * In a cluster worker (`cluster` given) a scrape answers for the whole node: the worker asks the
 * primary, which merges every worker's registry (cluster-metrics.ts). Without an answer from the
 * primary the scrape gets 503, never one worker's figures, which would read as counter resets.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RateLimiter } from '../services/rate-limit/rate-limiter.ts';
import type { StoreHealth } from '../storage/store-health.ts';
import { answerMetricsRequests, askPrimaryForMetrics, type MetricsChannel } from './cluster-metrics.ts';

export interface MetricsSources {
  rateLimiter: RateLimiter;
  store: StoreHealth | undefined;
  /** The IPC channel to the cluster primary, in a worker. */
  cluster?: MetricsChannel | undefined;
}

export function registerMetrics(app: FastifyInstance, sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tokenhub_' });
  const requests = new Counter({
    name: 'tokenhub_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tokenhub_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern, in seconds.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const { rateLimiter, store } = sources;
  new Counter({
    name: 'tokenhub_rate_limit_fail_open_total',
    help: 'Limit checks let through uncounted because the counter store (Redis or the cluster primary) was down or slow.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(rateLimiter.failOpenTotal);
    },
  });
  new Counter({
    name: 'tokenhub_store_faults_total',
    help: 'Statements that met a store fault, by kind: busy, unavailable, unwritable (each answered 503 unless retried).',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(store?.faultCounts ?? {})) this.inc({ kind }, count);
    },
  });
  new Gauge({
    name: 'tokenhub_store_up',
    help: '1 while the store answers as this process last saw it, 0 during an outage.',
    registers: [registry],
    collect() {
      this.set(store?.outage ? 0 : 1);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const cluster = sources.cluster;
  if (cluster) answerMetricsRequests(registry, cluster);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    reply.type(registry.contentType);
    if (!cluster) return registry.metrics();
    try {
      return await askPrimaryForMetrics(cluster);
    } catch (error) {
      request.log.warn({ err: error }, 'metrics: no aggregate from the cluster primary');
      return reply
        .status(503)
        .header('retry-after', 5)
        .type('text/plain')
        .send(`${String(error)}\n`);
    }
  });
  return registry;
}
