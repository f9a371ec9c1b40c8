/**
 * Bulk Data export jobs and their output, in PostgreSQL: created at kick-off, claimed by any server process's
 * worker (a job whose worker stopped sending heartbeats is claimed again and resumes where it stopped), written a
 * page at a time in the same transaction as its resumption point, and read by the status and download endpoints.
 */
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import type { ExportRequester } from './export-requester';
import { claimJobRow } from './job-worker';

export type ExportLevel = 'system' | 'patient' | 'group';
export type ExportStatus = 'accepted' | 'in-progress' | 'completed' | 'failed' | 'cancelled';

export interface NewExportJob {
  level: ExportLevel;
  groupId?: string;
  /** Patient and group level: only these patients (the `patient` parameter); empty = no such limit. */
  patients: string[];
  types: string[];
  since?: string;
  /** `_typeFilter` queries by resource type (each entry one query string; several for one type are ORed). */
  typeFilters: Record<string, string[]>;
  /** `_elements`: `element` (every type) or `Type.element`; empty = whole resources. */
  elements: string[];
  /** `includeAssociatedData` values, e.g. LatestProvenanceResources. */
  associatedData: string[];
  requestUrl: string;
  requester: ExportRequester;
}

export interface ExportJob extends NewExportJob {
  id: string;
  status: ExportStatus;
  transactionTime: string;
  typeIndex: number;
  afterResId: string;
  exported: number;
  error?: string;
  expiresAt: string;
}

export interface ExportFile {
  resourceType: string;
  count: number;
}

/** Output is kept this long after kick-off, then deleted. */
const KEEP_HOURS = 24;

interface JobRow {
  id: string;
  status: ExportStatus;
  level: ExportLevel;
  group_id: string | null;
  patient_ids: string[];
  types: string[];
  since: Date | null;
  type_filters: Record<string, string[]>;
  elements: string[];
  associated_data: string[];
  request_url: string;
  requester: ExportRequester;
  transaction_time: Date;
  type_index: number;
  after_res_id: string;
  exported: number;
  error: string | null;
  expires_at: Date;
}

export async function createExportJob(repo: Repository, id: string, job: NewExportJob): Promise<ExportJob> {
  const rows = await repo.query<JobRow>(sql`
    INSERT INTO bulk_export_job (id, status, level, group_id, patient_ids, types, since, type_filters, elements, associated_data, request_url, requester,
      transaction_time, expires_at)
    VALUES (${id}::uuid, 'accepted', ${job.level}, ${job.groupId ?? null}, ${job.patients}::text[], ${job.types}::text[], ${job.since ?? null}::timestamptz,
      ${JSON.stringify(job.typeFilters)}::jsonb, ${job.elements}::text[], ${job.associatedData}::text[], ${job.requestUrl}, ${JSON.stringify(job.requester)}::jsonb, clock_timestamp(),
      clock_timestamp() + make_interval(hours => ${KEEP_HOURS}))
    RETURNING *`);
  return toJob(rows[0]);
}

export async function findExportJob(repo: Repository, id: string): Promise<ExportJob | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const rows = await repo.query<JobRow>(sql`SELECT * FROM bulk_export_job WHERE id = ${id}::uuid AND expires_at > now()`);
  return rows[0] ? toJob(rows[0]) : undefined;
}

/**
 * Takes the oldest job that is waiting, or running under a worker that went quiet, for `worker`. SKIP LOCKED lets
 * several processes claim at once without taking the same job.
 */
export async function claimExportJob(repo: Repository, worker: string): Promise<ExportJob | undefined> {
  const row = await claimJobRow<JobRow>(repo, 'bulk_export_job', worker);
  return row ? toJob(row) : undefined;
}

/**
 * Appends one page of output and moves the resumption point, in the caller's transaction. False when the job is no
 * longer this worker's (cancelled, or taken over after a stall): the caller must then roll back and stop.
 */
export async function appendExportPage(
  tx: Repository, job: ExportJob, worker: string, page: { resourceType: string; lines: string[]; lastResId: string },
): Promise<boolean> {
  const moved = await tx.query(sql`
    UPDATE bulk_export_job SET after_res_id = ${page.lastResId}, exported = exported + ${page.lines.length}, heartbeat_at = clock_timestamp()
    WHERE id = ${job.id}::uuid AND worker = ${worker} AND status = 'in-progress' RETURNING id`);
  if (moved.length === 0) return false;
  if (page.lines.length === 0) return true;
  await tx.query(sql`
    INSERT INTO bulk_export_output (job_id, resource_type, part, line_count, ndjson)
    SELECT ${job.id}::uuid, ${page.resourceType}, COALESCE(MAX(part), 0) + 1, ${page.lines.length}, ${page.lines.join('\n') + '\n'}
    FROM bulk_export_output WHERE job_id = ${job.id}::uuid AND resource_type = ${page.resourceType}`);
  return true;
}

/** Moves on to the next resource type. False when the job is no longer this worker's. */
export async function advanceExportType(repo: Repository, job: ExportJob, worker: string, typeIndex: number): Promise<boolean> {
  const rows = await repo.query(sql`
    UPDATE bulk_export_job SET type_index = ${typeIndex}, after_res_id = 0, heartbeat_at = clock_timestamp()
    WHERE id = ${job.id}::uuid AND worker = ${worker} AND status = 'in-progress' RETURNING id`);
  return rows.length > 0;
}

export async function finishExportJob(repo: Repository, job: ExportJob, worker: string, error?: string): Promise<void> {
  await repo.query(sql`
    UPDATE bulk_export_job SET status = ${error ? 'failed' : 'completed'}, error = ${error ?? null}, finished_at = clock_timestamp()
    WHERE id = ${job.id}::uuid AND worker = ${worker} AND status = 'in-progress'`);
}

/** Cancels a waiting or running job and deletes its output; false when there is nothing left to cancel. */
export async function cancelExportJob(repo: Repository, id: string): Promise<boolean> {
  return repo.transaction(async (tx) => {
    const rows = await tx.query(sql`
      UPDATE bulk_export_job SET status = 'cancelled', finished_at = clock_timestamp()
      WHERE id = ${id}::uuid AND status IN ('accepted', 'in-progress', 'completed') AND expires_at > now() RETURNING id`);
    if (rows.length === 0) return false;
    await tx.query(sql`DELETE FROM bulk_export_output WHERE job_id = ${id}::uuid`);
    return true;
  });
}

/** Of these associated resources (res_ids), the ones the job has not written yet; marks them written, in `tx`. */
export async function claimAssociatedResources(tx: Repository, jobId: string, resIds: string[]): Promise<Set<string>> {
  if (resIds.length === 0) return new Set();
  const rows = await tx.query<{ res_id: string }>(sql`
    INSERT INTO bulk_export_associated (job_id, res_id) SELECT ${jobId}::uuid, unnest(${resIds}::bigint[])
    ON CONFLICT DO NOTHING RETURNING res_id`);
  return new Set(rows.map((r) => String(r.res_id)));
}

export async function listExportFiles(repo: Repository, jobId: string): Promise<ExportFile[]> {
  const rows = await repo.query<{ resource_type: string; count: string }>(sql`
    SELECT resource_type, SUM(line_count) AS count FROM bulk_export_output WHERE job_id = ${jobId}::uuid
    GROUP BY resource_type ORDER BY resource_type`);
  return rows.map((r) => ({ resourceType: r.resource_type, count: Number(r.count) }));
}

/** The parts of one output file in order, a batch at a time (so a large file is never held in memory at once). */
export async function* readExportFile(repo: Repository, jobId: string, resourceType: string, partsPerRead = 20): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const rows = await repo.query<{ part: number; ndjson: string }>(sql`
      SELECT part, ndjson FROM bulk_export_output WHERE job_id = ${jobId}::uuid AND resource_type = ${resourceType} AND part > ${after}
      ORDER BY part LIMIT ${partsPerRead}`);
    for (const row of rows) yield row.ndjson;
    if (rows.length < partsPerRead) return;
    after = rows[rows.length - 1].part;
  }
}

function toJob(row: JobRow): ExportJob {
  return {
    id: row.id,
    status: row.status,
    level: row.level,
    groupId: row.group_id ?? undefined,
    patients: row.patient_ids,
    types: row.types,
    since: row.since?.toISOString(),
    typeFilters: row.type_filters,
    elements: row.elements,
    associatedData: row.associated_data,
    requestUrl: row.request_url,
    requester: row.requester,
    transactionTime: row.transaction_time.toISOString(),
    typeIndex: row.type_index,
    afterResId: String(row.after_res_id),
    exported: row.exported,
    error: row.error ?? undefined,
    expiresAt: row.expires_at.toISOString(),
  };
}
