/**
 * Fine-grained PATs against plain ones on `/token` (the target: within 5 %). On one server
 * and dataset, `token-pat` and `token-fine-grained` send the same request (push+pull on the
 * user's own private repository) with a plain and a fine-grained token of the same users, and take
 * turns run by run, so drift on the machine hits both alike and their ratio holds.
 */
import type { Dataset } from './datasets.ts';
import { type LoadSettings, type MeasuredRun, measure, type ScenarioResult, summarize } from './measure.ts';
import { tokenhubRequests } from './scenarios.ts';
import type { RunningServer } from './servers.ts';

export interface FineGrainedTurns {
  plain: ScenarioResult;
  fineGrained: ScenarioResult;
  /** Median req/s of the fine-grained turns over the plain ones. */
  ratio: number;
}

/** The target: a fine-grained PAT's `/token` within 5 % of a plain PAT's. */
export const fineGrainedTarget = 0.95;

export async function measureFineGrainedTurns(
  server: RunningServer,
  dataset: Dataset,
  settings: LoadSettings,
): Promise<FineGrainedTurns> {
  const requests = {
    plain: tokenhubRequests('token-pat', dataset.seeded, []),
    fineGrained: tokenhubRequests('token-fine-grained', dataset.seeded, []),
  };
  const runs: Record<keyof typeof requests, MeasuredRun[]> = { plain: [], fineGrained: [] };
  for (let repeat = 0; repeat < settings.repeats; repeat++) {
    // Alternate which goes first, so neither always follows the other's load.
    const order =
      repeat % 2 === 0 ? (['plain', 'fineGrained'] as const) : (['fineGrained', 'plain'] as const);
    for (const kind of order) {
      const warmupSeconds = repeat === 0 ? settings.warmupSeconds : Math.min(1, settings.warmupSeconds);
      const one = await measure(server, requests[kind], { ...settings, warmupSeconds, repeats: 1 });
      runs[kind].push(...one.runs);
    }
  }
  const plain = summarize(runs.plain, server.pid);
  const fineGrained = summarize(runs.fineGrained, server.pid);
  return {
    plain,
    fineGrained,
    ratio: Number((fineGrained.median.requestsPerSecond / plain.median.requestsPerSecond).toFixed(3)),
  };
}

/** One Markdown row per kind, and the verdict line. */
export function fineGrainedRows(label: string, turns: FineGrainedTurns): string[] {
  const row = (kind: string, r: ScenarioResult) =>
    `| ${label} | ${kind} | ${r.median.requestsPerSecond.toFixed(0)} | ${r.median.latencyP50Ms} | ${r.median.latencyP99Ms} | ${r.errors} | ${r.median.serverCpuMicrosPerRequest.toFixed(0)} |`;
  return [
    row('plain PAT (`token-pat`)', turns.plain),
    row('fine-grained PAT (`token-fine-grained`)', turns.fineGrained),
  ];
}

export function fineGrainedVerdict(turns: FineGrainedTurns): string {
  return `${turns.ratio.toFixed(3)}× ${turns.ratio >= fineGrainedTarget ? '**met**' : '**missed**'}`;
}
