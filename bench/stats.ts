/** Running a fixed number of operations with N concurrent clients, and summarising their latencies. */
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  /** Operations completed (the `units` they carried, e.g. resources, are in `units`). */
  count: number;
  units: number;
  seconds: number;
  /** Operations per second over the wall-clock time of the whole run. */
  perSecond: number;
  /** Units (e.g. resources in a bundle) per second. */
  unitsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * Runs `op(i)` for i = 0..total-1 with `concurrency` clients pulling from one queue. `op` returns how many units
 * it handled (1 for a plain request, the entry count for a bundle). The first error stops the run and is thrown.
 */
export async function runLoad(total: number, concurrency: number, op: (i: number) => Promise<number>): Promise<LoadResult> {
  const latencies: number[] = new Array(total);
  let next = 0;
  let units = 0;
  let failure: unknown;
  const client = async () => {
    while (failure === undefined) {
      const i = next++;
      if (i >= total) return;
      const started = performance.now();
      try {
        const handled = await op(i);
        units += handled; // not `units += await …`: that reads `units` before the await and loses updates
      } catch (err) {
        failure ??= err;
        return;
      }
      latencies[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, client));
  const seconds = (performance.now() - started) / 1000;
  if (failure !== undefined) throw failure;
  return summarise(latencies, units, seconds);
}

export function summarise(latencies: number[], units: number, seconds: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    units,
    seconds: round(seconds, 3),
    perSecond: round(sorted.length / seconds, 1),
    unitsPerSecond: round(units / seconds, 1),
    p50Ms: round(percentile(sorted, 50), 2),
    p95Ms: round(percentile(sorted, 95), 2),
    maxMs: round(sorted[sorted.length - 1] ?? 0, 2),
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** How the server compares with raw SQL: its share of the raw throughput and its p50/p95 multiples. */
export function compare(server: LoadResult, raw: LoadResult): { throughputVsRaw: number; p50VsRaw: number; p95VsRaw: number } {
  return {
    throughputVsRaw: round(server.unitsPerSecond / raw.unitsPerSecond, 3),
    p50VsRaw: round(server.p50Ms / raw.p50Ms, 1),
    p95VsRaw: round(server.p95Ms / raw.p95Ms, 1),
  };
}
