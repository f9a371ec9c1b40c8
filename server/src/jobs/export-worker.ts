/**
 * Runs Bulk Data exports (the claiming loop is jobs/job-worker.ts): writes each job a page at a time, each page in
 * one transaction with its resumption point, so a crash loses at most the page in flight and another process (or
 * the next start) carries on from there.
 */
import type { Pool } from 'pg';
import type { AccessPolicy } from '../auth/access-policy';
import { patientIdOf } from '../auth/patient-compartment';
import { accessFilter } from '../store/access-filter';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import {
  advanceExportType, appendExportPage, claimExportJob, ExportJob, finishExportJob,
} from './export-job-store';
import { deletionLine, DELETED_FILE_TYPE, readDeletedResources } from './export-deleted';
import { writeExportPage } from './export-page';
import { accessOfRequester } from './export-requester';
import { ExportPageQuery, readExportPage, typesWithRows } from './export-rows';
import { JobWorker, type JobWorkerOptions } from './job-worker';

export interface ExportWorkerOptions extends JobWorkerOptions {
  pageSize?: number;
}

export class ExportWorker extends JobWorker<ExportJob> {
  constructor(repo: Repository, private readonly pool: Pool, private readonly exportOptions: ExportWorkerOptions = {}) {
    super('export', repo, 'bulk_export_job', exportOptions);
  }

  protected claim(): Promise<ExportJob | undefined> {
    return claimExportJob(this.repo, this.name);
  }

  protected run(job: ExportJob): Promise<void> {
    return exportJob(this.repo, this.pool, job, this.name, this.exportOptions.pageSize ?? 1000);
  }

  protected fail(job: ExportJob): Promise<void> {
    return finishExportJob(this.repo, job, this.name, 'The export failed on the server; start a new one');
  }
}

/** Writes every remaining page of `job`; stops quietly if the job is cancelled or taken over meanwhile. */
async function exportJob(repo: Repository, pool: Pool, job: ExportJob, worker: string, pageSize: number): Promise<void> {
  const access = await accessOfRequester(pool, job.requester, job.id);
  const patients = await exportedPatients(repo, job, access.policy);
  const stored = await typesWithRows(repo, job.types.slice(job.typeIndex));
  let after = job.afterResId;
  for (let index = job.typeIndex; index < job.types.length; index++) {
    if (!stored.has(job.types[index])) continue; // nothing to write; a resumed job looks again
    if (index !== job.typeIndex) {
      if (!(await advanceExportType(repo, job, worker, index))) return;
      after = '0';
    }
    const query: ExportPageQuery = {
      resourceType: job.types[index], patients, since: job.since, transactionTime: job.transactionTime, afterResId: after,
      typeFilters: job.typeFilters[job.types[index]], policy: access.policy, limit: pageSize,
    };
    for (;;) {
      const rows = await readExportPage(repo, { ...query, afterResId: after });
      if (rows.length === 0) break;
      const kept = await repo.transaction(async (tx) => writeExportPage(tx, job, worker, access, query.resourceType, rows));
      if (!kept) return;
      after = rows[rows.length - 1].resId;
      if (rows.length < pageSize) break;
    }
  }
  await repo.transaction(async (tx) => {
    if (job.since && !(await writeDeletions(tx, job, worker, patients, access.policy))) return;
    await finishExportJob(tx, job, worker);
  });
}

/** The `deleted` file of a `_since` export, written with the job's completion so a resumed job writes it once. */
async function writeDeletions(tx: Repository, job: ExportJob, worker: string, patients: ExportPageQuery['patients'], policy: AccessPolicy): Promise<boolean> {
  const deleted = await readDeletedResources(tx, { types: job.types, since: job.since!, transactionTime: job.transactionTime, patients, policy });
  if (deleted.length === 0) return true;
  return appendExportPage(tx, job, worker, { resourceType: DELETED_FILE_TYPE, lines: deleted.map(deletionLine), lastResId: job.afterResId });
}

/** Whose data a patient- or group-level export holds; a group's members as of now, if the requester may read it. */
async function exportedPatients(repo: Repository, job: ExportJob, policy: AccessPolicy): Promise<ExportPageQuery['patients']> {
  if (job.level === 'system') return undefined;
  if (job.level === 'patient') return job.patients.length > 0 ? { kind: 'ids', ids: job.patients } : { kind: 'all' };
  const rows = await repo.query<{ content: { member?: { entity?: { reference?: string }; inactive?: boolean }[] } }>(sql`
    SELECT r.content FROM resource r WHERE r.resource_type = 'Group' AND r.id = ${job.groupId ?? ''} AND NOT r.deleted
      AND ${accessFilter(policy, 'r', 'r', 'Group')}`);
  const members = rows[0]?.content.member ?? [];
  const ids = members
    .filter((m) => m.inactive !== true)
    .map((m) => patientIdOf(m.entity?.reference))
    .filter((id): id is string => id !== undefined)
    .filter((id) => job.patients.length === 0 || job.patients.includes(id));
  return { kind: 'ids', ids };
}
