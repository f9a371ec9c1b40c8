/**
 * The job workers of each repository (one of each kind per express app, i.e. per server process in production): a
 * kick-off operation wakes the worker of its kind on the repository it ran on. Keyed by the repository's
 * dependencies, which transaction-scoped copies of a repository share.
 */
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import type { Repository } from '../store/repository';
import { ExportWorker } from './export-worker';
import { ImportWorker } from './import-worker';

export type JobKind = 'export' | 'import';

interface Wakeable {
  wake(): void;
}

const workers = new Map<JobKind, WeakMap<object, Wakeable>>();

export function registerJobWorker(kind: JobKind, repo: Repository, worker: Wakeable): void {
  if (!workers.has(kind)) workers.set(kind, new WeakMap());
  workers.get(kind)!.set(repo.deps, worker);
}

export function jobWorkerFor(kind: JobKind, repo: Repository): Wakeable | undefined {
  return workers.get(kind)?.get(repo.deps);
}

/** A process's job workers: the repository's export and import workers, registered for their kick-offs to wake. */
export interface JobWorkers {
  readonly export: ExportWorker;
  readonly import: ImportWorker;
  /** Looks for open jobs (at start, or after a worker process died holding one). */
  wake(): void;
  stop(): Promise<void>;
}

export function startJobWorkers(repo: Repository, pool: Pool, logger: Logger): JobWorkers {
  const onError = (kind: string) => (err: unknown, jobId?: string) => logger.error({ err, jobId }, `bulk ${kind} failed`);
  const exports = new ExportWorker(repo, pool, { onError: onError('export') });
  const imports = new ImportWorker(repo, pool, { onError: onError('import') });
  registerJobWorker('export', repo, exports);
  registerJobWorker('import', repo, imports);
  const all = [exports, imports];
  return {
    export: exports,
    import: imports,
    wake: () => all.forEach((w) => w.wake()),
    stop: async () => {
      await Promise.all(all.map((w) => w.stop()));
    },
  };
}
