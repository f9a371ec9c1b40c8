/**
 * The `X-Progress` of a running export. Bulk Data clients read the leading number as a percentage, so it comes
 * first and stays within 0–99 until the job is complete (only the manifest says 100 %): the share of the job's
 * resource types already finished, since the number of resources is not known before they are read.
 */
import type { ExportJob } from './export-job-store';

export function exportProgress(job: Pick<ExportJob, 'status' | 'typeIndex' | 'types' | 'exported'>): string {
  if (job.status === 'accepted') return '0% complete (waiting to start)';
  const total = Math.max(job.types.length, 1);
  const done = Math.min(Math.max(job.typeIndex, 0), total);
  const percent = Math.min(Math.floor((100 * done) / total), 99);
  return `${percent}% complete (${job.exported} resources written, type ${Math.min(done + 1, total)} of ${total})`;
}
