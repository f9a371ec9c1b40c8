/**
 * The reindex worker: a loop in a server process that runs reindex batches until no job is open, then waits. Jobs
 * live in PostgreSQL, so any process can finish a job another one started, and a restart resumes it. (The search
 * parameters other processes add reach this one by notification, param-sync.ts, not by this loop.)
 */
import type { Repository } from '../../store/repository';
import { startBatchLoop } from '../../jobs/batch-loop';
import { DEFAULT_BATCH_SIZE, recordReindexFailure, runReindexBatch } from './reindex-job';

export interface ReindexWorkerOptions {
  /** Wait between polls when no job is open (ms). */
  intervalMs?: number;
  batchSize?: number;
  onError?: (err: unknown) => void;
}

export interface ReindexWorker {
  /** Resolves when the current batch (if any) has committed. */
  stop(): Promise<void>;
  /** Runs rounds until no job is open (tests, and shutdown hooks that want to finish work). */
  drain(): Promise<void>;
}

export function startReindexWorker(repo: Repository, options: ReindexWorkerOptions = {}): ReindexWorker {
  const round = async () => ((await runReindexBatch(repo, options.batchSize ?? DEFAULT_BATCH_SIZE)) !== undefined ? 'more' as const : 'idle' as const);
  return startBatchLoop(round, options.intervalMs ?? 2000, async (err) => {
    options.onError?.(err);
    await recordReindexFailure(repo, err instanceof Error ? err.message : String(err));
  });
}

let shared: ReindexWorker | undefined;

/**
 * This process's worker, started on first use: by $reindex, and by the process entry at start so that jobs left
 * open by a restart are resumed.
 */
export function ensureReindexWorker(repo: Repository, options: ReindexWorkerOptions = {}): ReindexWorker {
  shared ??= startReindexWorker(repo, options);
  return shared;
}

export async function stopReindexWorker(): Promise<void> {
  const worker = shared;
  shared = undefined;
  await worker?.stop();
}
