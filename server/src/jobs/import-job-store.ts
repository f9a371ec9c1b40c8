/**
 * Bulk Data import jobs in PostgreSQL: created at kick-off, claimed by any server process's worker (a job whose
 * worker stopped sending heartbeats is claimed again and resumes at the first input not yet handled), each input
 * recorded with its report in the same transaction as the resources it loaded, and read by the status endpoints.
 */
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import type { ExportRequester } from './export-requester';
import { claimJobRow } from './job-worker';

export type ImportStatus = 'accepted' | 'in-progress' | 'completed' | 'failed' | 'cancelled';

export interface ImportInput {
  type: string;
  url: string;
}

export interface NewImportJob {
  requestUrl: string;
  requester: ExportRequester;
  inputs: ImportInput[];
  inputSource?: string;
  storage: { type: 'https' | 'file'; bearerToken?: string };
}

export interface ImportJob extends NewImportJob {
  id: string;
  status: ImportStatus;
  transactionTime: string;
  inputIndex: number;
  error?: string;
  expiresAt: string;
}

export interface ImportFileReport {
  inputIndex: number;
  status: 'loaded' | 'rejected';
  lineCount: number;
  loaded: number;
}

/** Jobs and their reports are kept this long after kick-off, then deleted. */
const KEEP_HOURS = 24;

interface JobRow {
  id: string;
  status: ImportStatus;
  request_url: string;
  requester: ExportRequester;
  inputs: ImportInput[];
  input_source: string | null;
  storage_type: 'https' | 'file';
  bearer_token: string | null;
  transaction_time: Date;
  input_index: number;
  error: string | null;
  expires_at: Date;
}

export async function createImportJob(repo: Repository, id: string, job: NewImportJob): Promise<void> {
  await repo.query(sql`
    INSERT INTO bulk_import_job (id, status, request_url, requester, inputs, input_source, storage_type, bearer_token, transaction_time, expires_at)
    VALUES (${id}::uuid, 'accepted', ${job.requestUrl}, ${JSON.stringify(job.requester)}::jsonb, ${JSON.stringify(job.inputs)}::jsonb,
            ${job.inputSource ?? null}, ${job.storage.type}, ${job.storage.bearerToken ?? null}, clock_timestamp(),
            now() + make_interval(hours => ${KEEP_HOURS}))`);
}

export async function findImportJob(repo: Repository, id: string): Promise<ImportJob | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const rows = await repo.query<JobRow>(sql`SELECT * FROM bulk_import_job WHERE id = ${id}::uuid AND expires_at > now()`);
  return rows[0] ? toJob(rows[0]) : undefined;
}

export async function claimImportJob(repo: Repository, worker: string): Promise<ImportJob | undefined> {
  const row = await claimJobRow<JobRow>(repo, 'bulk_import_job', worker);
  return row ? toJob(row) : undefined;
}

/** Shows the job is alive while a file downloads. False when it is no longer this worker's. */
export async function touchImportJob(repo: Repository, job: ImportJob, worker: string): Promise<boolean> {
  const rows = await repo.query(sql`UPDATE bulk_import_job SET heartbeat_at = clock_timestamp()
    WHERE id = ${job.id}::uuid AND worker = ${worker} AND status = 'in-progress' RETURNING id`);
  return rows.length > 0;
}

/**
 * Records how an input ended and moves the resumption point past it, in the transaction that loaded its resources
 * (if any). False when the job is no longer this worker's: the caller must then roll back and stop.
 */
export async function recordImportFile(tx: Repository, job: ImportJob, worker: string, file: ImportFileReport & { report: string }): Promise<boolean> {
  const moved = await tx.query(sql`
    UPDATE bulk_import_job SET input_index = ${file.inputIndex + 1}, heartbeat_at = clock_timestamp()
    WHERE id = ${job.id}::uuid AND worker = ${worker} AND status = 'in-progress' AND input_index = ${file.inputIndex} RETURNING id`);
  if (moved.length === 0) return false;
  await tx.query(sql`INSERT INTO bulk_import_file (job_id, input_index, status, line_count, loaded, report)
    VALUES (${job.id}::uuid, ${file.inputIndex}, ${file.status}, ${file.lineCount}, ${file.loaded}, ${file.report})`);
  return true;
}

/** Ends a job; the bearer token it was given to fetch files is forgotten. */
export async function finishImportJob(repo: Repository, job: ImportJob, worker: string, error?: string): Promise<void> {
  await repo.query(sql`
    UPDATE bulk_import_job SET status = ${error ? 'failed' : 'completed'}, error = ${error ?? null}, bearer_token = NULL, finished_at = clock_timestamp()
    WHERE id = ${job.id}::uuid AND worker = ${worker} AND status = 'in-progress'`);
}

/** Cancels a waiting or running job (inputs already loaded stay); false when it has already ended. */
export async function cancelImportJob(repo: Repository, id: string): Promise<boolean> {
  const rows = await repo.query(sql`
    UPDATE bulk_import_job SET status = 'cancelled', bearer_token = NULL, finished_at = clock_timestamp()
    WHERE id = ${id}::uuid AND status IN ('accepted', 'in-progress') AND expires_at > now() RETURNING id`);
  return rows.length > 0;
}

export async function listImportFiles(repo: Repository, jobId: string): Promise<ImportFileReport[]> {
  const rows = await repo.query<{ input_index: number; status: 'loaded' | 'rejected'; line_count: number; loaded: number }>(sql`
    SELECT input_index, status, line_count, loaded FROM bulk_import_file WHERE job_id = ${jobId}::uuid ORDER BY input_index`);
  return rows.map((r) => ({ inputIndex: r.input_index, status: r.status, lineCount: r.line_count, loaded: r.loaded }));
}

export async function readImportReport(repo: Repository, jobId: string, inputIndex: number): Promise<string | undefined> {
  const rows = await repo.query<{ report: string }>(sql`SELECT report FROM bulk_import_file WHERE job_id = ${jobId}::uuid AND input_index = ${inputIndex}`);
  return rows[0]?.report;
}

function toJob(row: JobRow): ImportJob {
  return {
    id: row.id,
    status: row.status,
    requestUrl: row.request_url,
    requester: row.requester,
    inputs: row.inputs,
    inputSource: row.input_source ?? undefined,
    storage: { type: row.storage_type, bearerToken: row.bearer_token ?? undefined },
    transactionTime: row.transaction_time.toISOString(),
    inputIndex: row.input_index,
    error: row.error ?? undefined,
    expiresAt: row.expires_at.toISOString(),
  };
}
