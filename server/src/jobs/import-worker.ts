/**
 * Runs Bulk Data imports (the claiming loop is jobs/job-worker.ts): the inputs of a job one after the other, each
 * pulled, checked line by line and then loaded in one transaction together with its report, its AuditEvent and the
 * job's resumption point — so a crash loses at most the input in flight, which the next worker loads again.
 */
import type { Pool } from 'pg';
import { AuditLog } from '../audit/audit-log';
import type { AuditRecord } from '../audit/audit-record';
import { FhirError } from '../errors';
import type { Repository } from '../store/repository';
import { checkLines, ImportInputError, loadedReport, loadResources, readInput, unreadableReport } from './import-file';
import {
  claimImportJob, finishImportJob, ImportInput, ImportJob, recordImportFile, touchImportJob,
} from './import-job-store';
import { JobWorker, type JobWorkerOptions } from './job-worker';

export class ImportWorker extends JobWorker<ImportJob> {
  private readonly audit: AuditLog;

  constructor(repo: Repository, pool: Pool, options: JobWorkerOptions = {}) {
    super('import', repo, 'bulk_import_job', options);
    this.audit = new AuditLog(pool);
  }

  protected claim(): Promise<ImportJob | undefined> {
    return claimImportJob(this.repo, this.name);
  }

  protected fail(job: ImportJob): Promise<void> {
    return finishImportJob(this.repo, job, this.name, 'The import failed on the server; inputs reported as loaded stay loaded');
  }

  protected async run(job: ImportJob): Promise<void> {
    for (let index = job.inputIndex; index < job.inputs.length; index++) {
      if (this.isStopped || !(await touchImportJob(this.repo, job, this.name))) return;
      if (!(await this.importInput(job, index))) return;
    }
    await finishImportJob(this.repo, job, this.name);
  }

  /** False when the job is no longer this worker's (cancelled, or taken over). */
  private async importInput(job: ImportJob, index: number): Promise<boolean> {
    const input = job.inputs[index];
    const reject = (lineCount: number, report: string) => this.repo.transaction((tx) =>
      recordImportFile(tx, job, this.name, { inputIndex: index, status: 'rejected', lineCount, loaded: 0, report }));
    let text: string;
    try {
      text = await readInput(job, input);
    } catch (err) {
      if (!(err instanceof ImportInputError) && !(err instanceof FhirError)) throw err;
      return reject(0, unreadableReport(input, err.message));
    }
    const checked = checkLines(text, input.type);
    if (checked.problems.length > 0) return reject(checked.lineCount, checked.problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
    try {
      return await this.repo.transaction(async (tx) => {
        const loaded = await loadResources(tx, input.type, text, checked);
        await this.audit.recordMany([auditRecord(job, input, loaded)], tx);
        return recordImportFile(tx, job, this.name, { inputIndex: index, status: 'loaded', lineCount: checked.lineCount, loaded, report: loadedReport(input, loaded) });
      });
    } catch (err) {
      // A write refused (a write hook's rule, an id created meanwhile by someone else): the file is rejected whole.
      const message = err instanceof FhirError ? err.message : (err as { code?: string }).code === '23505' ? 'an id in the file was created by another writer meanwhile; import it again' : undefined;
      if (message === undefined) throw err;
      return reject(checked.lineCount, unreadableReport(input, `Nothing loaded: ${message}`));
    }
  }
}

function auditRecord(job: ImportJob, input: ImportInput, loaded: number): AuditRecord {
  return {
    kind: 'rest',
    subtype: 'import',
    action: 'C',
    outcome: '0',
    outcomeDescription: `Bulk import ${job.id}: ${loaded} ${input.type} resources loaded from ${input.url}`,
    agent: {
      clientId: job.requester.clientId, userId: job.requester.userId, username: job.requester.username, fhirUser: job.requester.fhirUser,
    },
    sourceIp: job.requester.sourceIp,
    patients: [],
    entities: [],
    query: `$import ${job.id}`,
  };
}
