/**
 * The loop every durable job kind shares (Bulk Data exports and imports): each server process has one worker per
 * kind; it wakes on a kick-off (and once at start), claims open jobs — or jobs whose worker stopped sending
 * heartbeats — one after the other, and sleeps again when none is open. While open jobs are all held by other
 * workers it looks again now and then, in case one of them stops. Claims are rows locked with SKIP LOCKED, so any
 * number of processes can run workers on one database.
 */
import { randomUUID } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import type { Repository } from '../store/repository';
import { raw, sql } from '../store/sql';

/** A worker that has not touched its job for this long is presumed gone; another process takes the job over. */
export const STALE_AFTER_SECONDS = 60;

/**
 * Takes the oldest waiting job of a table, or one whose worker stopped sending heartbeats, for `worker`: one statement,
 * the row locked with SKIP LOCKED so that concurrent workers take different jobs.
 */
export type JobTable = 'bulk_export_job' | 'bulk_import_job';

export async function claimJobRow<Row extends QueryResultRow>(repo: Repository, table: JobTable, worker: string): Promise<Row | undefined> {
  const rows = await repo.query<Row>(sql`
    UPDATE ${raw(table)} SET status = 'in-progress', worker = ${worker}, heartbeat_at = clock_timestamp()
    WHERE id = (
      SELECT id FROM ${raw(table)}
      WHERE expires_at > now() AND (status = 'accepted'
        OR (status = 'in-progress' AND heartbeat_at < clock_timestamp() - make_interval(secs => ${STALE_AFTER_SECONDS})))
      ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING *`);
  return rows[0];
}

export interface JobWorkerOptions {
  /** How often to look again while jobs are open but all taken by other workers (ms). */
  pollMs?: number;
  onError?: (err: unknown, jobId?: string) => void;
}

export abstract class JobWorker<Job extends { id: string }> {
  readonly name: string;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeAgain = false;
  private timer: NodeJS.Timeout | undefined;

  /** `table`: the kind's job table (its rows have status, expires_at); expired jobs are deleted from it. */
  constructor(kind: string, protected readonly repo: Repository, private readonly table: JobTable, protected readonly options: JobWorkerOptions = {}) {
    this.name = `${kind}-${randomUUID()}`;
  }

  /** Takes the oldest open job, or one whose worker stalled; undefined when none is free. */
  protected abstract claim(): Promise<Job | undefined>;
  /** Runs a claimed job to its end (or until it is no longer this worker's). */
  protected abstract run(job: Job): Promise<void>;
  /** Marks a job whose run threw as failed. */
  protected abstract fail(job: Job): Promise<void>;

  /** Deletes jobs past their expiry (and, by cascade, what they wrote). */
  private async tidy(): Promise<void> {
    await this.repo.query(sql`DELETE FROM ${raw(this.table)} WHERE expires_at <= now()`);
  }

  /** Whether open jobs remain (held by other workers, since this one found none to claim). */
  private async othersHaveOpenJobs(): Promise<boolean> {
    const rows = await this.repo.query(sql`SELECT 1 FROM ${raw(this.table)} WHERE status IN ('accepted', 'in-progress') AND expires_at > now() LIMIT 1`);
    return rows.length > 0;
  }

  /** Starts working through open jobs unless already doing so. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.work().finally(() => {
      this.running = undefined;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  /** Resolves when the current run (if any) has ended; used by tests and at shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }

  protected get isStopped(): boolean {
    return this.stopped;
  }

  private async work(): Promise<void> {
    try {
      await this.tidy();
      for (;;) {
        if (this.stopped) return;
        const job = await this.claim();
        if (job) {
          await this.runClaimed(job);
          continue;
        }
        if (!(await this.othersHaveOpenJobs())) return;
        this.timer = setTimeout(() => this.wake(), this.options.pollMs ?? (STALE_AFTER_SECONDS * 1000) / 4).unref();
        return;
      }
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  private async runClaimed(job: Job): Promise<void> {
    try {
      await this.run(job);
    } catch (err) {
      this.options.onError?.(err, job.id);
      await this.fail(job).catch(() => undefined);
    }
  }
}
