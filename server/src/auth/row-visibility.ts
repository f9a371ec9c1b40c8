/**
 * Row-level checks with the SQL access filter, for the interactions that do not run through the search engine:
 * one instance (read, vread, history, writes) and the entries of a result Bundle (search and history pages).
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { accessFilter, versionAccessFilter } from '../store/access-filter';
import type { Repository } from '../store/repository';
import { raw, Sql, sql } from '../store/sql';
import type { AccessPolicy } from './access-policy';
import type { Permission } from './scopes';

export type InstanceVisibility = 'absent' | 'visible' | 'hidden';

export async function instanceVisibility(repo: Repository, policy: AccessPolicy, resourceType: string, id: string, permission: Permission): Promise<InstanceVisibility> {
  const rows = await repo.query<{ visible: boolean }>(
    sql`SELECT (${accessFilter(policy, 'r', permission, resourceType)}) AS visible FROM resource r WHERE r.resource_type = ${resourceType} AND r.id = ${id}`,
  );
  if (rows.length === 0) return 'absent';
  return rows[0].visible ? 'visible' : 'hidden';
}

/**
 * Whether one stored version (alias of a resource_history row) may be seen: the resource must be reachable now,
 * and the version must have been reachable as written (a resource moved from patient B to A keeps its B versions
 * from A). Deleted resources carry no links and are hidden from restricted tokens.
 */
export function visibleVersionCondition(policy: AccessPolicy, historyAlias: string, permission: Permission, resourceType?: string): Sql {
  return sql`(${versionAccessFilter(policy, historyAlias, permission, resourceType)}
    AND EXISTS (SELECT 1 FROM resource hc WHERE hc.res_id = ${raw(historyAlias)}.res_id AND ${accessFilter(policy, 'hc', permission, resourceType)}))`;
}

export async function versionVisible(repo: Repository, policy: AccessPolicy, resourceType: string, id: string, versionId: string): Promise<boolean> {
  if (!/^\d{1,9}$/.test(versionId)) return true; // the handler answers 404 for a malformed version itself
  const rows = await repo.query<{ visible: boolean }>(
    sql`SELECT ${visibleVersionCondition(policy, 'h', 'r', resourceType)} AS visible FROM resource_history h
        WHERE h.resource_type = ${resourceType} AND h.id = ${id} AND h.version_id = ${Number(versionId)}`,
  );
  return rows.length === 0 || rows[0].visible;
}

/**
 * Drops the entries the policy does not reach: matches need `s`, included resources `r`. Entries without a
 * resource (deleted versions in history) are dropped too, since nothing left can prove whose they were.
 */
export async function filterBundleEntries(repo: Repository, policy: AccessPolicy, bundle: Bundle): Promise<{ bundle: Bundle; removed: number }> {
  const entries = bundle.entry ?? [];
  const candidates = entries.filter((e) => e.resource?.id && e.resource.resourceType !== 'OperationOutcome');
  const types = candidates.map((e) => e.resource!.resourceType);
  const ids = candidates.map((e) => e.resource!.id!);
  const rows = candidates.length === 0 ? [] : await repo.query<{ resource_type: string; id: string; match_ok: boolean; include_ok: boolean }>(
    sql`SELECT r.resource_type, r.id, (${accessFilter(policy, 'r', 's')}) AS match_ok, (${accessFilter(policy, 'r', 'r')}) AS include_ok
          FROM resource r JOIN unnest(${types}::text[], ${ids}::text[]) AS want(resource_type, id)
            ON r.resource_type = want.resource_type AND r.id = want.id`,
  );
  const allowed = new Map(rows.map((row) => [`${row.resource_type}/${row.id}`, row]));
  const kept: BundleEntry[] = entries.filter((entry) => {
    if (keepWithoutCheck(entry)) return true;
    const row = entry.resource?.id ? allowed.get(`${entry.resource.resourceType}/${entry.resource.id}`) : undefined;
    if (!row) return false;
    return entry.search?.mode === 'include' ? row.include_ok : row.match_ok;
  });
  return { bundle: { ...bundle, entry: kept }, removed: entries.length - kept.length };
}

function keepWithoutCheck(entry: BundleEntry): boolean {
  return entry.resource?.resourceType === 'OperationOutcome' && entry.search?.mode === 'outcome';
}
