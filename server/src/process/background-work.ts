/**
 * The work a server does besides answering requests: resuming what a previous run (or a stopped process) left open —
 * Bulk Data exports, Part 2 relabelling, reindex jobs — delivering subscription notifications, sealing the audit
 * chain, and removing expired authorization state. One process leads it: the only one, or a cluster's primary. Every
 * loop is also safe where several run (jobs are claimed in PostgreSQL), and a worker still runs the work it queues
 * itself (an export kick-off wakes its own export worker).
 */
import type { Pool } from 'pg';
import { startAuditSealer } from '../audit/audit-sealer';
import { startAuthHousekeeping } from '../auth/auth-housekeeping';
import { createRepository } from '../create-repository';
import { ExportWorker } from '../jobs/export-worker';
import { registerExportWorker } from '../jobs/export-workers';
import { ensureRelabelWorker, stopRelabelWorker } from '../jobs/part2-relabel';
import { deliveryOptionsFromEnv, SubscriptionDelivery } from '../jobs/subscription-delivery';
import type { Logger } from '../logger';
import { ensureReindexWorker, stopReindexWorker } from '../search/reindex/reindex-worker';

export interface BackgroundWork {
  /** Looks for open exports again (e.g. after a worker process died holding one). */
  resumeExports(): void;
  stop(): Promise<void>;
}

/** `exportWorker`: the app's own, when this process also serves requests; else one is made here. */
export function startBackgroundWork(pool: Pool, logger: Logger, exportWorker?: ExportWorker): BackgroundWork {
  const repo = createRepository(pool);
  let exports = exportWorker;
  if (!exports) {
    exports = new ExportWorker(repo, pool, { onError: (err, jobId) => logger.error({ err, jobId }, 'bulk export failed') });
    registerExportWorker(repo, exports);
  }
  const worker = exports;
  worker.wake(); // exports left open by a previous run (or another process that stopped) carry on
  // Part 2 relabelling left open by a previous run (or queued by the migration that introduced labels) carries on.
  ensureRelabelWorker(repo, (err) => logger.error({ err }, 'part 2 relabelling failed'));
  ensureReindexWorker(repo, { onError: (err) => logger.error({ err }, 'reindex batch failed') });
  // Subscription notifications queued by any process (their outbox is in PostgreSQL) are delivered from here.
  const subscriptions = new SubscriptionDelivery(repo, pool, {
    ...deliveryOptionsFromEnv(process.env), onError: (err) => logger.error({ err }, 'subscription delivery round failed'),
  });
  startAuditSealer(pool); // both stop with the pool
  startAuthHousekeeping(pool);
  return {
    resumeExports: () => worker.wake(),
    stop: async () => {
      await Promise.all([worker.stop(), stopRelabelWorker(), stopReindexWorker(), subscriptions.stop()]);
    },
  };
}
