/**
 * The Bulk Data status and file endpoints that a kick-off's Content-Location leads to:
 *   GET    /fhir/bulk-export/{id}               202 + Retry-After/X-Progress while running, 200 + manifest when done
 *   DELETE /fhir/bulk-export/{id}               cancel (202), then the status URL answers 404
 *   GET    /fhir/bulk-export/{id}/{Type}.ndjson one NDJSON file of the manifest (application/fhir+ndjson)
 * Mounted after the bearer authentication: only the client and user that started an export see it (others get
 * 404), files need the token when the manifest says requiresAccessToken, and every poll, cancel and download is
 * audited.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { Response, Router } from 'express';
import { auditBulkRequest, requireAuthenticated, route } from './bulk-job-requests';
import type { AccessContext } from '../auth/access-context';
import { FhirError, issue, notFound, outcome } from '../errors';
import { cancelExportJob, ExportJob, findExportJob, listExportFiles, readExportFile } from '../jobs/export-job-store';
import { manifestExtension, withdrawRevokedLines } from '../jobs/export-part2';
import { exportProgress } from '../jobs/export-progress';
import { DELETED_FILE_TYPE } from '../jobs/export-deleted';
import { isSameRequester } from '../jobs/export-requester';
import { PART2_NOTICE_HEADER, PART2_NOTICE_SHORT } from '../audit/part2-disclosures';
import type { Repository } from '../store/repository';

/** Seconds a client should wait between status polls. */
const RETRY_AFTER_SECONDS = 2;

export function bulkExportRoutes(repo: Repository, fhirBase: string): Router {
  const router = express.Router();
  router.get('/:id', route(async (req, res, access) => {
    const job = await ownJob(repo, String(req.params.id), access);
    await auditBulkRequest('bulk-export', access, req, 'R', [], `Bulk export ${job.id} status: ${job.status}`);
    await writeStatus(repo, res, job, fhirBase);
  }));
  router.delete('/:id', route(async (req, res, access) => {
    const job = await ownJob(repo, String(req.params.id), access);
    if (job.status === 'failed' || !(await cancelExportJob(repo, job.id))) throw notFound(`Export ${job.id} has already ended`);
    await auditBulkRequest('bulk-export', access, req, 'D', [], `Bulk export ${job.id} cancelled`);
    res.status(202).json(outcome(issue('information', 'informational', `Export ${job.id} cancelled; its files are deleted`)));
  }));
  router.get('/:id/:file', route(async (req, res, access) => {
    const job = await ownJob(repo, String(req.params.id), access);
    const m = /^([A-Z][A-Za-z]+)\.ndjson$/.exec(String(req.params.file));
    if (job.status !== 'completed' || !m || !(await listExportFiles(repo, job.id)).some((f) => f.resourceType === m[1])) {
      throw notFound(`No file ${req.params.file} in export ${job.id}`);
    }
    await auditBulkRequest('bulk-export', access, req, 'R', [], `Bulk export ${job.id}: ${m[1]} file downloaded`);
    res.status(200).setHeader('Content-Type', 'application/fhir+ndjson');
    // pipeline() waits for 'drain' with one listener for the whole file: a once('drain') per full buffer would be
    // left behind on the compression stream every time (the compression middleware adds it there, and removes
    // nothing), thousands of them for a large file.
    await pipeline(Readable.from(currentLines(repo, access, job.id, m[1])), res);
  }));
  return router;
}

/** The job, if the caller started it; anything else (unknown, expired, someone else's) is a 404 that reveals nothing. */
async function ownJob(repo: Repository, id: string, access: AccessContext): Promise<ExportJob> {
  requireAuthenticated(access, 'export');
  const job = await findExportJob(repo, id);
  if (!job || job.status === 'cancelled' || !isSameRequester(job.requester, access)) throw notFound(`No export ${id}`);
  return job;
}

async function writeStatus(repo: Repository, res: Response, job: ExportJob, fhirBase: string): Promise<void> {
  if (job.status === 'accepted' || job.status === 'in-progress') {
    res.status(202).setHeader('Retry-After', String(RETRY_AFTER_SECONDS)).setHeader('X-Progress', exportProgress(job)).end();
    return;
  }
  if (job.status === 'failed') {
    throw new FhirError(500, outcome(issue('error', 'exception', job.error ?? 'The export failed')));
  }
  const files = await listExportFiles(repo, job.id);
  const extension = await manifestExtension(repo, job.id);
  if (extension) res.setHeader(PART2_NOTICE_HEADER, PART2_NOTICE_SHORT);
  res.status(200).setHeader('Expires', new Date(job.expiresAt).toUTCString()).json({
    transactionTime: job.transactionTime,
    request: job.requestUrl,
    requiresAccessToken: !job.requester.fullAccess,
    output: files.filter((f) => f.resourceType !== DELETED_FILE_TYPE).map((f) => fileEntry(fhirBase, job.id, f.resourceType, f.count)),
    // `_since` exports: what was deleted since, as transaction Bundles of DELETE requests (Bulk Data IG 2.0).
    ...(job.since ? { deleted: files.filter((f) => f.resourceType === DELETED_FILE_TYPE).map((f) => fileEntry(fhirBase, job.id, f.resourceType, f.count)) } : {}),
    error: [],
    ...(extension ? { extension } : {}),
  });
}

function fileEntry(fhirBase: string, jobId: string, type: string, count: number): { type: string; url: string; count: number } {
  return { type, url: `${fhirBase}/bulk-export/${jobId}/${type}.ndjson`, count };
}

/** The stored parts of a file as they may be read now (Part 2 lines withdrawn since are dropped). */
async function* currentLines(repo: Repository, access: AccessContext, jobId: string, resourceType: string): AsyncGenerator<string> {
  for await (const stored of readExportFile(repo, jobId, resourceType)) yield await withdrawRevokedLines(repo, access.policy, stored);
}
