/**
 * 42 CFR Part 2 in Bulk Data exports (docs/part2.md): the rows of a page that leave the program are written with the
 * refrain label NORDSCLCD and entered in the accounting of disclosures (request `$export {job}`), and the manifest
 * then carries the §2.32 notice. A file is filtered again when it is downloaded: a Part 2 line whose consent was
 * revoked after it was written is withheld, so a revocation also stops a running or finished export.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../auth/access-context';
import type { AccessPolicy } from '../auth/access-policy';
import { disclosureRecords, insertDisclosuresSql, PART2_NOTICE_FULL } from '../audit/part2-disclosures';
import { withDisclosureLabel } from '../domain/part2-labelling';
import { part2BasisOf, type Part2Basis } from '../store/part2-basis';
import { part2Condition } from '../store/part2-filter';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import type { ExportRow } from './export-rows';

export const PART2_NOTICE_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/part2-notice';

export function exportRequestLine(jobId: string): string {
  return `$export ${jobId}`;
}

/** The NDJSON lines of a page: disclosed Part 2 rows labelled, and their disclosures recorded (in `tx`). */
export async function exportLines(tx: Repository, access: AccessContext, jobId: string, rows: ExportRow[]): Promise<string[]> {
  const present = rows.filter((row): row is ExportRow & { json: string } => row.json !== undefined);
  const part2 = access.policy.part2;
  const patients = part2.kind === 'unrestricted' ? [] : [...new Set(present.flatMap((r) => r.part2Patients ?? []))];
  if (patients.length === 0) return present.map((row) => row.json);
  const basis = await part2BasisOf(tx, part2, patients);
  const disclosed: { reference: string; patientId: string; basis: Part2Basis }[] = [];
  const lines = present.map((row) => {
    const outside = (row.part2Patients ?? []).filter((p) => ['consent', 'emergency'].includes(basis.get(p)?.kind ?? ''));
    if (outside.length === 0) return row.json;
    const resource = JSON.parse(row.json) as Resource;
    for (const patientId of outside) disclosed.push({ reference: `${resource.resourceType}/${resource.id}`, patientId, basis: basis.get(patientId)! });
    return JSON.stringify(withDisclosureLabel(resource));
  });
  if (disclosed.length > 0) await tx.query(insertDisclosuresSql(disclosureRecords(access, disclosed, exportRequestLine(jobId))));
  return lines;
}

/** The manifest's extension: the §2.32 notice, when the export disclosed Part 2 records. */
export async function manifestExtension(repo: Repository, jobId: string): Promise<Record<string, string> | undefined> {
  const rows = await repo.query(sql`SELECT 1 FROM part2_disclosure WHERE request = ${exportRequestLine(jobId)} LIMIT 1`);
  return rows.length > 0 ? { [PART2_NOTICE_EXTENSION]: PART2_NOTICE_FULL } : undefined;
}

/** One chunk of a file as downloaded now: disclosed Part 2 lines whose patient's consent no longer permits them are dropped. */
export async function withdrawRevokedLines(repo: Repository, policy: AccessPolicy, chunk: string): Promise<string> {
  if (policy.part2.kind === 'unrestricted' || !chunk.includes('"NORDSCLCD"')) return chunk;
  const lines = chunk.split('\n').filter((line) => line.length > 0);
  const disclosed = lines.map((line) => (line.includes('"NORDSCLCD"') ? JSON.parse(line) as Resource : undefined));
  const wanted = disclosed.filter((r): r is Resource => !!r);
  const condition = part2Condition(policy.part2, 'r');
  const visible = await repo.query<{ resource_type: string; id: string }>(sql`SELECT r.resource_type, r.id FROM resource r
      JOIN unnest(${wanted.map((r) => r.resourceType)}::text[], ${wanted.map((r) => r.id!)}::text[]) AS want(resource_type, id)
        ON r.resource_type = want.resource_type AND r.id = want.id
     WHERE ${condition === true ? sql`TRUE` : condition}`);
  const keep = new Set(visible.map((v) => `${v.resource_type}/${v.id}`));
  return lines.filter((_, i) => !disclosed[i] || keep.has(`${disclosed[i]!.resourceType}/${disclosed[i]!.id}`)).map((l) => `${l}\n`).join('');
}
