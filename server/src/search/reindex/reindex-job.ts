/**
 * Durable, resumable reindex jobs (table search_reindex_job). One batch is one transaction: it locks the next
 * resources after the job's last_res_id, rewrites their index rows with the current registry, and records the
 * progress, so a crash or restart resumes where the last committed batch ended and any process may continue it.
 */
import { FhirError, issue, outcome } from '../../errors';
import type { Repository } from '../../store/repository';
import { deleteIndexRowsBatchSql, insertIndexRowsBatchSql } from '../../store/index-store';
import { sql } from '../../store/sql';
import { syncSearchParameters } from './param-sync';

export interface ReindexJob {
  id: string;
  resourceTypes: string[];
  reason: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  processed: number;
  total: number | null;
  lastResId: string;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

interface JobRow {
  id: string; resource_types: string[]; reason: string; status: ReindexJob['status']; processed: string; total: string | null;
  last_res_id: string; error: string | null; created_at: Date; updated_at: Date; finished_at: Date | null;
}

export const DEFAULT_BATCH_SIZE = 500;
const ALL_TYPES = ['Resource', 'DomainResource'];

/** Queues a job over `types` ('Resource' = every type); returns its id. */
export async function enqueueReindex(repo: Repository, types: string[], reason: string): Promise<string> {
  const all = types.some((t) => ALL_TYPES.includes(t));
  const resourceTypes = all ? ['*'] : types;
  const rows = await repo.query<{ id: string }>(sql`
    INSERT INTO search_reindex_job (resource_types, reason, total)
    SELECT ${resourceTypes}::text[], ${reason}, count(*) FROM resource
    WHERE NOT deleted AND (${all} OR resource_type = ANY(${resourceTypes}::text[]))
    RETURNING id`);
  return String(rows[0].id);
}

export async function readReindexJob(repo: Repository, id: string): Promise<ReindexJob | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const rows = await repo.query<JobRow>(sql`SELECT * FROM search_reindex_job WHERE id = ${id}`);
  return rows[0] && toJob(rows[0]);
}

/**
 * Runs one batch of the oldest open job that no other worker holds. Returns the job as it stands afterwards,
 * or undefined when there was nothing to do.
 */
export async function runReindexBatch(repo: Repository, batchSize = DEFAULT_BATCH_SIZE): Promise<ReindexJob | undefined> {
  return repo.transaction(async (tx) => {
    const [job] = await tx.query<JobRow>(sql`
      SELECT * FROM search_reindex_job WHERE status IN ('queued', 'running') ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`);
    if (!job) return undefined;
    // The job was queued with its definitions, in one transaction: read them here rather than trust that their
    // notification has already reached this process.
    await syncSearchParameters(tx);
    const all = job.resource_types.includes('*');
    // FOR UPDATE: a concurrent write of one of these resources waits for (or is waited on by) this batch, so the
    // rows written last always match the stored content.
    const resources = await tx.query<{ res_id: string; resource_type: string; content: Parameters<Repository['deps']['extractIndex']>[0] }>(sql`
      SELECT res_id, resource_type, content FROM resource
      WHERE res_id > ${job.last_res_id} AND NOT deleted AND (${all} OR resource_type = ANY(${job.resource_types}::text[]))
      ORDER BY res_id LIMIT ${batchSize} FOR UPDATE`);
    if (resources.length > 0) {
      const resIds = resources.map((r) => String(r.res_id));
      await tx.query(deleteIndexRowsBatchSql(resIds));
      const insert = insertIndexRowsBatchSql(resources.map((r) => ({
        resId: String(r.res_id), resourceType: r.resource_type, rows: tx.deps.extractIndex(r.content),
      })));
      if (insert) await tx.query(insert);
    }
    const done = resources.length < batchSize;
    const lastResId = resources.length > 0 ? String(resources[resources.length - 1].res_id) : job.last_res_id;
    const [updated] = await tx.query<JobRow>(sql`
      UPDATE search_reindex_job SET last_res_id = ${lastResId}, processed = processed + ${resources.length},
        status = ${done ? 'done' : 'running'}, error = NULL, updated_at = now(), finished_at = ${done ? new Date() : null}
      WHERE id = ${job.id} RETURNING *`);
    return toJob(updated);
  });
}

/** Records a failure on the oldest open job; the worker retries it on its next round. */
export async function recordReindexFailure(repo: Repository, message: string): Promise<void> {
  await repo.query(sql`
    UPDATE search_reindex_job SET error = ${message}, updated_at = now()
    WHERE id = (SELECT id FROM search_reindex_job WHERE status IN ('queued', 'running') ORDER BY id LIMIT 1)`);
}

export function jobNotFound(id: string): FhirError {
  return new FhirError(404, outcome(issue('error', 'not-found', `No reindex job ${id}`)));
}

function toJob(row: JobRow): ReindexJob {
  return {
    id: String(row.id), resourceTypes: row.resource_types, reason: row.reason, status: row.status,
    processed: Number(row.processed), total: row.total === null ? null : Number(row.total), lastResId: String(row.last_res_id),
    error: row.error, createdAt: row.created_at, updatedAt: row.updated_at, finishedAt: row.finished_at,
  };
}
