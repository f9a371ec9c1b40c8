/** Runs the audit chain sealer in the background of a server process. */
import type { Pool } from 'pg';
import { createRepository } from '../create-repository';
import { sealAuditEvents } from './audit-chain';

/** Seals every few seconds in the background (unref'd: never keeps the process alive); stops with its pool. */
export function startAuditSealer(pool: Pool, intervalMs = 5000): void {
  const repo = createRepository(pool);
  const timer = setInterval(() => {
    if ((pool as Pool & { ended?: boolean }).ended) {
      clearInterval(timer);
      return;
    }
    sealAuditEvents(repo).catch(() => undefined); // retried on the next tick; verification seals first anyway
  }, intervalMs);
  timer.unref();
}
