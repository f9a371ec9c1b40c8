/**
 * The endpoints an `$import` kick-off's Content-Location leads to:
 *   GET    /fhir/bulk-import/{id}                  202 + Retry-After/X-Progress while running, 200 + the job's outcome
 *   DELETE /fhir/bulk-import/{id}                  cancel (202): inputs not yet loaded are not loaded
 *   GET    /fhir/bulk-import/{id}/{n}.ndjson       the report of input n (NDJSON of OperationOutcome)
 * Only the client and user that started an import see it (others get 404); every request is audited.
 */
import express, { Response, Router } from 'express';
import type { AccessContext } from '../auth/access-context';
import { FhirError, issue, notFound, outcome } from '../errors';
import { isSameRequester } from '../jobs/export-requester';
import { cancelImportJob, findImportJob, ImportJob, listImportFiles, readImportReport } from '../jobs/import-job-store';
import type { Repository } from '../store/repository';
import { auditBulkRequest, requireAuthenticated, route } from './bulk-job-requests';

const RETRY_AFTER_SECONDS = 2;

export function bulkImportRoutes(repo: Repository, fhirBase: string): Router {
  const router = express.Router();
  router.get('/:id', route(async (req, res, access) => {
    const job = await ownJob(repo, String(req.params.id), access);
    await auditBulkRequest('bulk-import', access, req, 'R', [], `Bulk import ${job.id} status: ${job.status}`);
    await writeStatus(repo, res, job, fhirBase);
  }));
  router.delete('/:id', route(async (req, res, access) => {
    const job = await ownJob(repo, String(req.params.id), access);
    if (!(await cancelImportJob(repo, job.id))) throw notFound(`Import ${job.id} has already ended`);
    await auditBulkRequest('bulk-import', access, req, 'D', [], `Bulk import ${job.id} cancelled`);
    res.status(202).json(outcome(issue('information', 'informational', `Import ${job.id} cancelled; inputs already loaded stay loaded`)));
  }));
  router.get('/:id/:file', route(async (req, res, access) => {
    const job = await ownJob(repo, String(req.params.id), access);
    const m = /^(\d{1,4})\.ndjson$/.exec(String(req.params.file));
    const report = m ? await readImportReport(repo, job.id, Number(m[1])) : undefined;
    if (report === undefined) throw notFound(`No report ${req.params.file} in import ${job.id}`);
    await auditBulkRequest('bulk-import', access, req, 'R', [], `Bulk import ${job.id}: report ${req.params.file} downloaded`);
    res.status(200).setHeader('Content-Type', 'application/fhir+ndjson').send(report);
  }));
  return router;
}

async function ownJob(repo: Repository, id: string, access: AccessContext): Promise<ImportJob> {
  requireAuthenticated(access, 'import');
  const job = await findImportJob(repo, id);
  if (!job || !isSameRequester(job.requester, access)) throw notFound(`No import ${id}`);
  return job;
}

/**
 * Running: 202 with the share of inputs handled. Ended: 200 with the job's outcome in the shape of a Bulk Data
 * manifest — `output` lists the report of each loaded input, `error` the report of each rejected one.
 */
async function writeStatus(repo: Repository, res: Response, job: ImportJob, fhirBase: string): Promise<void> {
  const files = await listImportFiles(repo, job.id);
  if (job.status === 'accepted' || job.status === 'in-progress') {
    const percent = Math.min(Math.floor((100 * files.length) / Math.max(job.inputs.length, 1)), 99);
    res.status(202).setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .setHeader('X-Progress', `${percent}% complete (${files.length} of ${job.inputs.length} inputs handled)`).end();
    return;
  }
  if (job.status === 'failed') throw new FhirError(500, outcome(issue('error', 'exception', job.error ?? 'The import failed')));
  const entry = (f: (typeof files)[number]) => ({
    type: 'OperationOutcome', inputUrl: job.inputs[f.inputIndex].url, inputType: job.inputs[f.inputIndex].type,
    url: `${fhirBase}/bulk-import/${job.id}/${f.inputIndex}.ndjson`, count: f.status === 'loaded' ? f.loaded : f.lineCount,
  });
  res.status(200).json({
    transactionTime: job.transactionTime,
    request: job.requestUrl,
    requiresAccessToken: true,
    status: job.status,
    output: files.filter((f) => f.status === 'loaded').map(entry),
    error: files.filter((f) => f.status === 'rejected').map(entry),
  });
}
