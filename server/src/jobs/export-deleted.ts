/**
 * The `deleted` part of a `_since` export (Bulk Data IG 2.0): every resource of the job's types deleted after
 * `_since` and by transactionTime, as one transaction Bundle with a DELETE request per line, in the file of type
 * Bundle that the manifest lists under `deleted`. A deletion is listed only if the requester could read the last
 * version before it (access filter on that version's links) and, at patient and group level, that version belonged
 * to one of the export's patients.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { AccessPolicy } from '../auth/access-policy';
import { compartmentLinks } from '../auth/patient-compartment';
import { versionAccessFilter } from '../store/access-filter';
import type { Repository } from '../store/repository';
import { join, Sql, sql } from '../store/sql';
import type { ExportPageQuery } from './export-rows';

/** Deletions are written as Bundles; a Bundle is never exported as a resource, so the type names this file alone. */
export const DELETED_FILE_TYPE = 'Bundle';

export interface DeletedResource {
  resId: string;
  resourceType: string;
  id: string;
}

export interface DeletedQuery {
  types: string[];
  since: string;
  transactionTime: string;
  patients: ExportPageQuery['patients'];
  policy: AccessPolicy;
}

export async function readDeletedResources(repo: Repository, query: DeletedQuery): Promise<DeletedResource[]> {
  const conditions: Sql[] = [
    sql`r.deleted`,
    sql`r.resource_type = ANY(${query.types}::text[])`,
    sql`r.last_updated > ${query.since}::timestamptz`,
    sql`r.last_updated <= ${query.transactionTime}::timestamptz`,
    versionAccessFilter(query.policy, 'h', 'r'),
  ];
  if (query.patients) conditions.push(ownedByPatients(query.patients));
  const rows = await repo.query<{ res_id: string; resource_type: string; id: string }>(sql`
    SELECT r.res_id, r.resource_type, r.id FROM resource r
    JOIN LATERAL (
      SELECT h.* FROM resource_history h
       WHERE h.res_id = r.res_id AND NOT h.deleted ORDER BY h.seq DESC LIMIT 1) h ON TRUE
    WHERE ${join(conditions, ' AND ')}
    ORDER BY r.res_id`);
  return rows.map((r) => ({ resId: String(r.res_id), resourceType: r.resource_type, id: r.id }));
}

/** One NDJSON line per deletion: a transaction Bundle with its DELETE request. */
export function deletionLine(resource: DeletedResource): string {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: `${resource.resourceType}/${resource.id}` } }] };
  return JSON.stringify(bundle);
}

/** The last live version (alias h) was the export's patient's own record or in their compartment. */
function ownedByPatients(patients: NonNullable<ExportPageQuery['patients']>): Sql {
  const ids = patients.kind === 'ids' ? patients.ids : undefined;
  const self = ids ? sql`(h.resource_type = 'Patient' AND h.id = ANY(${ids}::text[]))` : sql`h.resource_type = 'Patient'`;
  const target = ids ? sql` AND l.target_id = ANY(${ids}::text[])` : sql``;
  return sql`(${self} OR EXISTS (
    SELECT 1 FROM jsonb_to_recordset(coalesce(h.links, '[]'::jsonb)) AS l(param text, target_type text, target_id text)
     WHERE l.target_type = 'Patient' AND (h.resource_type || ' ' || l.param) = ANY(${compartmentLinks()}::text[])${target}))`;
}
