/**
 * The work a server does besides answering requests: resuming what a previous run (or a stopped process) left open —
 * Bulk Data exports and imports, Part 2 relabelling, reindex jobs — delivering subscription notifications, sealing the audit
 * chain, and removing expired authorization state. One process leads it: the only one, or a cluster's primary. Every
 * loop is also safe where several run (jobs are claimed in PostgreSQL), and a worker still runs the work it queues
 * itself (an export kick-off wakes its own export worker).
 */
import type { Pool } from 'pg';
import { startAuditSealer } from '../audit/audit-sealer';
import { startAuthHousekeeping } from '../auth/auth-housekeeping';
import { createRepository } from '../create-repository';
import { startJobWorkers, type JobWorkers } from '../jobs/job-workers';
import { ensureRelabelWorker, stopRelabelWorker } from '../jobs/part2-relabel';
import { deliveryOptionsFromEnv, SubscriptionDelivery } from '../jobs/subscription-delivery';
import type { Logger } from '../logger';
import { ensureReindexWorker, stopReindexWorker } from '../search/reindex/reindex-worker';

export interface BackgroundWork {
  /** Looks for open exports and imports again (e.g. after a worker process died holding one). */
  resumeJobs(): void;
  stop(): Promise<void>;
}

/** `jobWorkers`: the app's own, when this process also serves requests; else they are made here. */
export function startBackgroundWork(pool: Pool, logger: Logger, jobWorkers?: JobWorkers): BackgroundWork {
  const repo = createRepository(pool);
  const workers = jobWorkers ?? startJobWorkers(repo, pool, logger);
  workers.wake(); // exports and imports left open by a previous run (or another process that stopped) carry on
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
    resumeJobs: () => workers.wake(),
    stop: async () => {
      await Promise.all([workers.stop(), stopRelabelWorker(), stopReindexWorker(), subscriptions.stop()]);
    },
  };
}
