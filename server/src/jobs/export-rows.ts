/**
 * One page of an export in SQL: the rows of a type in res_id order after a resumption point, restricted to the
 * export's patients (patient and group level), its `_since` and `_typeFilter`, and the requester's access filter —
 * as they were at the job's transactionTime (a resource changed later is exported in its version of that instant,
 * if the requester may see that version: one that then belonged to another patient is left out).
 */
import { groupParameters } from '../fhir/request-text';
import type { AccessPolicy } from '../auth/access-policy';
import { compartmentParams } from '../auth/patient-compartment';
import { badRequest } from '../errors';
import { parseSearchQuery } from '../search/parse-search';
import { buildWhere } from '../search/search-sql';
import { accessFilter, versionAccessFilter } from '../store/access-filter';
import type { Repository } from '../store/repository';
import { join, Sql, sql } from '../store/sql';

export interface ExportPageQuery {
  resourceType: string;
  /** Patient and group level: whose data. `all` = every patient (the access filter still applies). */
  patients?: { kind: 'all' } | { kind: 'ids'; ids: string[] };
  since?: string;
  transactionTime: string;
  afterResId: string;
  typeFilters?: string[];
  policy: AccessPolicy;
  limit: number;
}

export interface ExportRow {
  resId: string;
  /**
   * The resource as of transactionTime, as the JSON text PostgreSQL stores (never parsed and serialised again on
   * the way to the NDJSON file); undefined when it did not exist then (created later, or deleted) or did not change
   * after `_since`.
   */
  json?: string;
  /** Whose 42 CFR Part 2 information the resource is (null: none), for labelling and accounting the disclosure. */
  part2Patients: string[] | null;
}

export async function readExportPage(repo: Repository, query: ExportPageQuery): Promise<ExportRow[]> {
  const { resourceType, transactionTime: tt } = query;
  const conditions: Sql[] = [
    sql`r.resource_type = ${resourceType}`,
    sql`r.res_id > ${query.afterResId}::bigint`,
    sql`(NOT r.deleted OR r.last_updated > ${tt}::timestamptz)`,
    accessFilter(query.policy, 'r', 'r', resourceType),
  ];
  if (query.since) conditions.push(sql`r.last_updated > ${query.since}::timestamptz`);
  if (query.patients) conditions.push(patientCondition(resourceType, query.patients));
  if (query.typeFilters?.length) conditions.push(sql`(${join(query.typeFilters.map((f) => typeFilterCondition(resourceType, f)), ' OR ')})`);
  // A resource changed after transactionTime is exported in its version of that instant (the lateral join runs only
  // for those), if the requester may see that version.
  const rows = await repo.query<{ res_id: string; json: string | null; version_updated: Date | null; part2_patients: string[] | null }>(sql`
    SELECT r.res_id, r.part2_patients,
      CASE WHEN r.last_updated <= ${tt}::timestamptz THEN r.content::text ELSE h.json END AS json,
      CASE WHEN r.last_updated <= ${tt}::timestamptz THEN r.last_updated ELSE h.last_updated END AS version_updated
    FROM resource r
    LEFT JOIN LATERAL (
      SELECT CASE WHEN h.deleted OR NOT (${versionAccessFilter(query.policy, 'h', 'r', resourceType)}) THEN NULL ELSE h.content::text END AS json,
             h.last_updated
        FROM resource_history h
       WHERE h.res_id = r.res_id AND h.last_updated <= ${tt}::timestamptz ORDER BY h.seq DESC LIMIT 1) h ON r.last_updated > ${tt}::timestamptz
    WHERE ${join(conditions, ' AND ')}
    ORDER BY r.res_id LIMIT ${query.limit}`);
  const since = query.since ? Date.parse(query.since) : undefined;
  return rows.map((row) => ({
    resId: String(row.res_id),
    json: row.json !== null && (since === undefined || (row.version_updated !== null && row.version_updated.getTime() > since)) ? row.json : undefined,
    part2Patients: row.part2_patients,
  }));
}

/** Which of `types` have any stored row at all: one statement, so a job skips the many empty types at once. */
export async function typesWithRows(repo: Repository, types: string[]): Promise<Set<string>> {
  const rows = await repo.query<{ t: string }>(sql`
    SELECT t FROM unnest(${types}::text[]) AS t WHERE EXISTS (SELECT 1 FROM resource r WHERE r.resource_type = t)`);
  return new Set(rows.map((r) => r.t));
}

/** The Patient itself, or a resource linked to the patient(s) by one of its type's compartment parameters. */
function patientCondition(resourceType: string, patients: NonNullable<ExportPageQuery['patients']>): Sql {
  if (resourceType === 'Patient') return patients.kind === 'all' ? sql`TRUE` : sql`r.id = ANY(${patients.ids}::text[])`;
  const params = compartmentParams(resourceType);
  if (params.length === 0) return sql`FALSE`;
  const target = patients.kind === 'all' ? sql`` : sql` AND x.target_id = ANY(${patients.ids}::text[])`;
  return sql`EXISTS (SELECT 1 FROM idx_reference x WHERE x.res_id = r.res_id AND x.param = ANY(${params}::text[])
    AND x.target_type = 'Patient'${target})`;
}

/** A `_typeFilter` query (`Observation?category=laboratory`, already split off its type) as a condition on `r`. */
export function typeFilterCondition(resourceType: string, queryString: string): Sql {
  const query = groupParameters(new URLSearchParams(queryString));
  const request = parseSearchQuery(resourceType, query);
  if (request.unknown.length > 0) throw badRequest(`_typeFilter ${resourceType}?${queryString}: unknown or unsupported parameter(s) ${request.unknown.join(', ')}`);
  const resultParams = Object.keys(query).filter((k) => k.startsWith('_') && k !== '_id' && k !== '_lastUpdated' && k !== '_tag' && k !== '_profile' && k !== '_security');
  if (resultParams.length > 0 || request.filters.length === 0) throw badRequest(`_typeFilter ${resourceType}?${queryString}: only search criteria may appear in a _typeFilter`);
  return buildWhere(request);
}
