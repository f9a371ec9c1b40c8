/**
 * Writes one page of an export in the caller's transaction: the rows cut to `_elements`, Part 2 copies labelled and
 * accounted (export-part2.ts), and with `includeAssociatedData=LatestProvenanceResources` the page's latest
 * Provenances in the Provenance file — each Provenance once per job, also when the job exports Provenance itself.
 */
import type { AccessContext } from '../auth/access-context';
import type { Repository } from '../store/repository';
import { LATEST_PROVENANCE, readLatestProvenance } from './export-associated';
import { withElements } from './export-elements';
import { appendExportPage, claimAssociatedResources, type ExportJob } from './export-job-store';
import { exportLines } from './export-part2';
import type { ExportRow } from './export-rows';

/** False when the job is no longer this worker's (the caller then rolls back and stops). */
export async function writeExportPage(
  tx: Repository, job: ExportJob, worker: string, access: AccessContext, resourceType: string, rows: ExportRow[],
): Promise<boolean> {
  const lastResId = rows[rows.length - 1].resId;
  const withProvenance = job.associatedData.includes(LATEST_PROVENANCE);
  let page = rows;
  if (withProvenance && resourceType === 'Provenance') page = await onlyUnwritten(tx, job, page);
  const lines = await exportLines(tx, access, job.id, withElements(page, resourceType, job.elements));
  if (!(await appendExportPage(tx, job, worker, { resourceType, lines, lastResId }))) return false;
  if (!withProvenance || resourceType === 'Provenance') return true;
  const exported = rows.filter((row) => row.json !== undefined).map((row) => row.resId);
  const provenance = await onlyUnwritten(tx, job, await readLatestProvenance(tx, exported, access.policy, job.transactionTime));
  if (provenance.length === 0) return true;
  const provenanceLines = await exportLines(tx, access, job.id, withElements(provenance, 'Provenance', job.elements));
  return appendExportPage(tx, job, worker, { resourceType: 'Provenance', lines: provenanceLines, lastResId });
}

async function onlyUnwritten(tx: Repository, job: ExportJob, rows: ExportRow[]): Promise<ExportRow[]> {
  const present = rows.filter((row) => row.json !== undefined);
  const fresh = await claimAssociatedResources(tx, job.id, present.map((row) => row.resId));
  return present.filter((row) => fresh.has(row.resId));
}
