/**
 * One `/metrics` per node: whichever worker a scrape reaches asks the cluster primary, which asks
 * every worker for its metrics (prom-client's JSON form) and merges them with prom-client's
 * `AggregatorRegistry.aggregate`. So every scrape sees the whole node:
 *
 * - request counters and histograms (and the other counters of the application) are summed over
 *   the workers, with no worker label. A worker that exits leaves its last reported values behind
 *   (`retired`), so a replacement starting from zero never makes a node total go down: the totals
 *   are monotonic across scrapes, as Prometheus' `rate()` and `increase()` expect;
 * - per-process figures (memory, CPU, event loop, heap, gauges) keep one series per process with a
 *   `worker` label: `1` … `N` for the worker slots (a replacement takes its predecessor's slot), and
 *   `primary` for the primary itself.
 *
 * A worker that does not answer within `collectTimeoutMs` is reported from its last answer.
 * This module imports nothing but prom-client, so the primary stays small.
 */
import type { Cluster, Worker } from 'node:cluster';
import {
  AggregatorRegistry,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from 'prom-client';

type MetricJson = MetricObjectWithValues<MetricValue<string>>;

type CollectRequest = { tokenhub: 'metrics-collect'; id: number };
type CollectAnswer = { tokenhub: 'metrics-collect'; id: number; metrics: MetricJson[] };
type ScrapeRequest = { tokenhub: 'metrics-scrape'; id: number };
type ScrapeAnswer = { tokenhub: 'metrics-scrape'; id: number; text?: string; error?: string };

/** A worker's end of the IPC channel (`process` in a cluster worker). */
export interface MetricsChannel {
  send(message: CollectAnswer | ScrapeRequest, callback: (error: Error | null) => void): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

const collectTimeoutMs = 1000;
/** How long a worker waits for the primary's aggregate before answering 503. */
export const scrapeTimeoutMs = 5000;

function tagged<T extends string>(message: unknown, tag: T): message is { tokenhub: T; id: number } {
  return (
    typeof message === 'object' && message !== null && (message as { tokenhub?: unknown }).tokenhub === tag
  );
}

/** Per-process figures: labelled by worker, never summed into a node total. */
function perProcess(metric: MetricJson): boolean {
  // prom-client types `type` as an enum, but its JSON carries the exposition names.
  const type = metric.type as unknown as string;
  return /^tokenhub_(process|nodejs)_/.test(metric.name) || (type !== 'counter' && type !== 'histogram');
}

/** Worker side: answers the primary's requests for this worker's metrics. */
export function answerMetricsRequests(registry: Registry, channel: MetricsChannel): void {
  channel.on('message', (message) => {
    if (!tagged(message, 'metrics-collect')) return;
    void registry
      .getMetricsAsJSON()
      .then((metrics) =>
        channel.send(
          { tokenhub: 'metrics-collect', id: message.id, metrics: metrics as MetricJson[] },
          () => undefined,
        ),
      );
  });
}

/** Worker side: the node's metrics as Prometheus text, from the primary. */
export function askPrimaryForMetrics(channel: MetricsChannel): Promise<string> {
  const id = nextScrape++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the cluster primary did not answer within ${scrapeTimeoutMs} ms`));
    }, scrapeTimeoutMs);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      if (answer.text === undefined) reject(new Error(answer.error ?? 'no metrics'));
      else resolve(answer.text);
    });
    if (!listening) {
      listening = true;
      channel.on('message', (message) => {
        if (!tagged(message, 'metrics-scrape')) return;
        const answer = message as ScrapeAnswer;
        waiting.get(answer.id)?.(answer);
        waiting.delete(answer.id);
      });
    }
    channel.send({ tokenhub: 'metrics-scrape', id }, (error) => {
      if (!error) return;
      clearTimeout(timer);
      waiting.delete(id);
      reject(error);
    });
  });
}

let nextScrape = 0;
let listening = false;
const waiting = new Map<number, (answer: ScrapeAnswer) => void>();

/** Primary side: collects, merges and serves the node's metrics (see the top of this file). */
export class ClusterMetrics {
  readonly #cluster: Cluster;
  readonly #own: Registry;
  readonly #slotOf: (worker: Worker) => string | undefined;
  /** The last metrics each live worker reported (labelled), by cluster worker id. */
  readonly #latest = new Map<number, MetricJson[]>();
  /** Node-wide totals left by workers that exited (merged now and then). */
  readonly #retired: MetricJson[][] = [];
  readonly #pending = new Map<number, (metrics: MetricJson[]) => void>();
  #nextId = 0;

  /**
   * @param own the primary's own registry (its process figures, worker restarts).
   * @param slotOf the `worker` label of a worker: its slot, `1` … `N`.
   */
  constructor(cluster: Cluster, own: Registry, slotOf: (worker: Worker) => string | undefined) {
    this.#cluster = cluster;
    this.#own = own;
    this.#slotOf = slotOf;
    cluster.on('message', (worker: Worker, message: unknown) => {
      if (tagged(message, 'metrics-collect')) {
        const answer = message as CollectAnswer;
        if (!worker.isDead())
          this.#latest.set(worker.id, labelled(answer.metrics, this.#slotOf(worker) ?? String(worker.id)));
        this.#pending.get(answer.id)?.(answer.metrics);
      } else if (tagged(message, 'metrics-scrape')) {
        void this.text().then(
          (text) => this.#reply(worker, { tokenhub: 'metrics-scrape', id: message.id, text }),
          (error: unknown) =>
            this.#reply(worker, { tokenhub: 'metrics-scrape', id: message.id, error: String(error) }),
        );
      }
    });
  }

  /**
   * Keeps what a worker that exited had counted, in the same turn as it leaves the live set, so no
   * scrape sees it in neither or in both. Call on its `exit`.
   */
  retire(worker: Worker): void {
    const last = this.#latest.get(worker.id);
    this.#latest.delete(worker.id);
    if (last) this.#retired.push(last.filter((metric) => !perProcess(metric)));
  }

  /** The node's metrics in Prometheus' text format. */
  async text(): Promise<string> {
    await this.#collect();
    await this.#mergeRetired();
    const own = labelled((await this.#own.getMetricsAsJSON()) as MetricJson[], 'primary');
    return AggregatorRegistry.aggregate([...this.#retired, ...this.#latest.values(), own]).metrics();
  }

  /** Merges the totals of exited workers into one list once there are several. */
  async #mergeRetired(): Promise<void> {
    const count = this.#retired.length;
    if (count < 4) return;
    const merged = await AggregatorRegistry.aggregate(this.#retired.slice(0, count)).getMetricsAsJSON();
    // Only appended to meanwhile: replace exactly what was merged.
    this.#retired.splice(0, count, merged as MetricJson[]);
  }

  /** Asks every connected worker for its metrics; resolves when all answered or after the timeout. */
  async #collect(): Promise<void> {
    const workers = Object.values(this.#cluster.workers ?? {}).filter((w): w is Worker => !!w?.isConnected());
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const id = this.#nextId++;
            const timer = setTimeout(() => done(), collectTimeoutMs);
            const done = () => {
              clearTimeout(timer);
              this.#pending.delete(id);
              resolve();
            };
            this.#pending.set(id, done);
            worker.send(
              { tokenhub: 'metrics-collect', id } satisfies CollectRequest,
              (error: Error | null) => {
                if (error) done();
              },
            );
          }),
      ),
    );
  }

  #reply(worker: Worker, answer: ScrapeAnswer): void {
    if (worker.isConnected()) worker.send(answer, () => undefined);
  }
}

/** Per-process metrics of one process with its `worker` label; node-wide ones as they are. */
function labelled(metrics: MetricJson[], worker: string): MetricJson[] {
  return metrics.map((metric) =>
    perProcess(metric)
      ? {
          ...metric,
          aggregator: 'sum',
          values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, worker } })),
        }
      : metric,
  );
}
