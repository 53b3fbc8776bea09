/** Latency percentiles and throughput of one measured run. */
export interface RunStats {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Every call's latency, sorted, so runs can be combined. */
  readonly latenciesMs: readonly number[];
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

/**
 * Runs `total` calls of `call(i)` with `concurrency` workers pulling from one counter, and
 * reports throughput and latency. Every call must succeed: a failing call fails the bench.
 */
export async function measure(total: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<RunStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return summarize(latencies, seconds);
}

/** Several runs of the same thing as one: calls and seconds add up, percentiles over all calls. */
export function combineRuns(runs: readonly RunStats[]): RunStats {
  return summarize(
    runs.flatMap((r) => r.latenciesMs),
    runs.reduce((sum, r) => sum + r.seconds, 0),
  );
}

function summarize(latencies: number[], seconds: number): RunStats {
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  return { requests, seconds, perSecond: requests / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), latenciesMs: latencies };
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
export const line = (label: string, s: RunStats) =>
  `${label.padEnd(34)} ${fmt(s.perSecond, 0).padStart(7)} req/s   p50 ${fmt(s.p50Ms, 2).padStart(7)} ms   p99 ${fmt(s.p99Ms, 2).padStart(7)} ms`;
