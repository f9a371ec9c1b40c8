/**
 * Re-applies the 42 CFR Part 2 labelling rules to stored resources when the rules change (docs/part2.md): writing
 * the SUD diagnosis ValueSet or a program's HealthcareService changes the rules' fingerprint, which queues a job in
 * PostgreSQL; a worker in any process labels the resources in res_id order, one batch per transaction, and records
 * where it got to, so a restart (or another process) resumes. A resource that the rules now make Part 2 information
 * gets a new version with the labels (a version the history shows, made by the server). Labels are only added: a
 * label may have come from a client, and a narrower rule never releases what was protected.
 */
import type { Resource } from '@medplum/fhirtypes';
import { carriesPart2Label, isLabelledType, PART2_PROGRAM_FLAG, SUD_VALUESET_URL } from '../domain/part2-labelling';
import { labelForWrite, rulesVersionSql } from '../store/part2-label-writer';
import type { Repository, StoredVersion } from '../store/repository';
import { BatchLoop, startBatchLoop } from './batch-loop';
import { sql } from '../store/sql';

export const RELABEL_BATCH_SIZE = 200;
/** A pass that labelled something is followed by another, at most this many in all. */
const MAX_PASSES = 3;
const FLAG_JSON = JSON.stringify([{ url: PART2_PROGRAM_FLAG, valueBoolean: true }]);

/** In a write's transaction: queue a relabelling when the write changed the rules. Returns true when it did. */
export async function requestRelabelIfRulesChanged(tx: Repository, written: StoredVersion): Promise<boolean> {
  const rulesWrite = written.resourceType === 'HealthcareService'
    || (written.resourceType === 'ValueSet' && (written.resource as { url?: string }).url === SUD_VALUESET_URL);
  if (!rulesWrite) return false;
  const rows = await tx.query<{ id: string }>(sql`WITH current AS (SELECT md5(coalesce(${rulesVersionSql()}, 'shipped') || '|' || coalesce(
        (SELECT string_agg(id, ',' ORDER BY id) FROM resource WHERE resource_type = 'HealthcareService' AND NOT deleted
           AND content->'extension' @> ${FLAG_JSON}::jsonb), '')) AS fingerprint),
      latest AS (SELECT fingerprint FROM part2_relabel_job ORDER BY id DESC LIMIT 1),
      superseded AS (UPDATE part2_relabel_job SET status = 'superseded', finished_at = now()
        WHERE status = 'running' AND (SELECT fingerprint FROM current) IS DISTINCT FROM (SELECT fingerprint FROM latest) RETURNING id)
    INSERT INTO part2_relabel_job (fingerprint, reason)
      SELECT fingerprint, ${`${written.resourceType}/${written.id} version ${written.versionId} changed the labelling rules`} FROM current
       WHERE fingerprint IS DISTINCT FROM (SELECT fingerprint FROM latest)
    RETURNING id`);
  return rows.length > 0;
}

interface ResourceRow {
  resource_type: string;
  id: string;
  res_id: string;
  content: Resource;
  part2_patients: string[] | null;
}

/**
 * One batch of the oldest running job, in one transaction. Undefined when no job is running; `busy` when the running
 * ones are held by another worker (which may be in this process or another one).
 */
export async function runRelabelBatch(repo: Repository, batchSize = RELABEL_BATCH_SIZE): Promise<{ jobId: string; relabelled: number } | 'busy' | undefined> {
  return repo.transaction(async (tx) => {
    const [job] = await tx.query<{ id: string; last_res_id: string; pass: number; pass_relabelled: number }>(sql`
      SELECT id, last_res_id, pass, pass_relabelled FROM part2_relabel_job WHERE status = 'running' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`);
    if (!job) {
      const [open] = await tx.query(sql`SELECT 1 FROM part2_relabel_job WHERE status = 'running' LIMIT 1`);
      return open ? 'busy' : undefined;
    }
    const rows = await tx.query<ResourceRow>(sql`SELECT res_id, resource_type, id, content, part2_patients FROM resource
      WHERE res_id > ${job.last_res_id}::bigint AND NOT deleted ORDER BY res_id LIMIT ${batchSize}`);
    let relabelled = 0;
    for (const row of rows) {
      if (!isLabelledType(row.resource_type) || (carriesPart2Label(row.content) && row.part2_patients !== null)) continue;
      const { resource, part2 } = await labelForWrite(tx, row.content);
      if (!part2) continue;
      await tx.write({ resourceType: row.resource_type, id: row.id, method: 'PUT', resource });
      relabelled++;
    }
    const passRelabelled = job.pass_relabelled + relabelled;
    const endOfPass = rows.length < batchSize;
    const again = endOfPass && passRelabelled > 0 && job.pass < MAX_PASSES;
    await tx.query(sql`UPDATE part2_relabel_job SET
        last_res_id = ${again ? '0' : rows.length ? rows[rows.length - 1].res_id : job.last_res_id}::bigint,
        relabelled = relabelled + ${relabelled}, pass = pass + ${again ? 1 : 0}, pass_relabelled = ${again ? 0 : passRelabelled},
        status = ${endOfPass && !again ? 'done' : 'running'}, updated_at = now(), finished_at = ${endOfPass && !again ? sql`now()` : sql`NULL`}
      WHERE id = ${job.id}`);
    return { jobId: String(job.id), relabelled };
  });
}

export type RelabelWorker = BatchLoop;

/** A loop in this process that runs batches while a job is open, then polls every `intervalMs`. */
export function startRelabelWorker(repo: Repository, intervalMs = 5000, onError?: (err: unknown) => void): RelabelWorker {
  return startBatchLoop(async () => {
    const result = await runRelabelBatch(repo);
    return result === undefined ? 'idle' : result === 'busy' ? 'busy' : 'more';
  }, intervalMs, onError);
}

let shared: RelabelWorker | undefined;

/** This process's worker, started at process start (to resume) and when a write queues a job. */
export function ensureRelabelWorker(repo: Repository, onError?: (err: unknown) => void): RelabelWorker {
  shared ??= startRelabelWorker(repo, 5000, onError);
  return shared;
}

export async function stopRelabelWorker(): Promise<void> {
  const worker = shared;
  shared = undefined;
  await worker?.stop();
}
