/**
 * `includeAssociatedData=LatestProvenanceResources` (Bulk Data IG 2.0): with each page of exported resources, the
 * latest Provenance (by `recorded`) that targets each of them, if the requester may read it, for the job's Provenance
 * file. A Provenance changed after transactionTime is left to the next export, like a resource created after it.
 */
import type { AccessPolicy } from '../auth/access-policy';
import { accessFilter } from '../store/access-filter';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import type { ExportRow } from './export-rows';

export const LATEST_PROVENANCE = 'LatestProvenanceResources';
export const SUPPORTED_ASSOCIATED_DATA = [LATEST_PROVENANCE];

export async function readLatestProvenance(repo: Repository, resIds: string[], policy: AccessPolicy, transactionTime: string): Promise<ExportRow[]> {
  if (resIds.length === 0) return [];
  const rows = await repo.query<{ res_id: string; json: string; part2_patients: string[] | null }>(sql`
    SELECT DISTINCT ON (t.res_id) p.res_id, p.content::text AS json, p.part2_patients
      FROM resource t
      JOIN idx_reference x ON x.target_type = t.resource_type AND x.target_id = t.id AND x.resource_type = 'Provenance' AND x.param = 'target'
      JOIN resource p ON p.res_id = x.res_id
     WHERE t.res_id = ANY(${resIds}::bigint[]) AND NOT p.deleted AND p.last_updated <= ${transactionTime}::timestamptz
       AND ${accessFilter(policy, 'p', 'r', 'Provenance')}
     ORDER BY t.res_id, p.content->>'recorded' DESC NULLS LAST, p.res_id DESC`);
  const unique = new Map(rows.map((r) => [String(r.res_id), { resId: String(r.res_id), json: r.json, part2Patients: r.part2_patients }]));
  return [...unique.values()].sort((a, b) => Number(a.resId) - Number(b.resId));
}
