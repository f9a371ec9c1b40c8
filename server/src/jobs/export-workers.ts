/**
 * The export worker of each repository (one per express app, i.e. per server process in production): the
 * kick-off operation wakes the worker of the repository it ran on. Keyed by the repository's dependencies, which
 * transaction-scoped copies of a repository share.
 */
import type { Repository } from '../store/repository';
import type { ExportWorker } from './export-worker';

const workers = new WeakMap<object, ExportWorker>();

export function registerExportWorker(repo: Repository, worker: ExportWorker): void {
  workers.set(repo.deps, worker);
}

export function exportWorkerFor(repo: Repository): ExportWorker | undefined {
  return workers.get(repo.deps);
}
