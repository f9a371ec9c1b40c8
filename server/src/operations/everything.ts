/**
 * `Patient/{id}/$everything`: the patient, every resource in their compartment (but no group rosters, which name
 * other patients: auth/patient-compartment.ts ROSTER_TYPES), and the practitioners,
 * organisations, locations and other shared resources those reference (as `include` entries), one page at a time in
 * res_id order with a `next` link — never silently cut short. `start`/`end` keep resources with a clinical date in
 * the range (and those that have none), `_since` those changed after the instant, `_type` the listed types. Every
 * row passes the caller's access filter in SQL, like a search.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import { patientAccessLinks, SHARED_TYPES } from '../auth/patient-compartment';
import { badRequest, notFound } from '../errors';
import { link, pageUrl } from '../fhir/bundle-links';
import type { FhirContext, FhirRequest, FhirResponse } from '../fhir/types';
import { parseDateRange } from '../search/dates';
import { accessFilter } from '../store/access-filter';
import { join, Sql, sql } from '../store/sql';
import type { OperationInput } from './operation-input';
import { r4OperationDefinition, type OperationDeclaration, type OperationTarget } from './registry';

const DEFAULT_COUNT = 100;
const MAX_COUNT = 1000;

export const everythingOperation: OperationDeclaration = {
  definition: { ...r4OperationDefinition('Patient-everything'), type: false, instance: true },
  handler: everything,
};

async function everything(input: OperationInput, ctx: FhirContext, target: OperationTarget, req: FhirRequest): Promise<FhirResponse> {
  if (input.has('_offset')) throw badRequest('$everything pages by its next link, not by _offset');
  const patientId = target.id!;
  const policy = (ctx.access ?? systemAccess()).policy;
  const count = Math.min(input.integer('_count') ?? DEFAULT_COUNT, MAX_COUNT);
  if (count === 0) throw badRequest('_count must be at least 1');
  const cursor = req.query._cursor?.[0] ?? '0';
  if (!/^\d+$/.test(cursor)) throw badRequest(`Invalid _cursor: ${cursor}`);

  const conditions: Sql[] = [sql`NOT r.deleted`, sql`r.res_id > ${cursor}::bigint`, accessFilter(policy, 'r', 'r')];
  const types = input.strings('_type').flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  if (types.length > 0) conditions.push(sql`r.resource_type = ANY(${types}::text[])`);
  const since = input.instant('_since');
  if (since !== undefined) conditions.push(sql`r.last_updated > ${since}::timestamptz`);
  const dates = careDateCondition(input.string('start'), input.string('end'));
  if (dates) conditions.push(dates);

  const patient = await ctx.repo.query(sql`SELECT 1 FROM resource r WHERE r.resource_type = 'Patient' AND r.id = ${patientId} AND NOT r.deleted AND ${accessFilter(policy, 'r', 'r', 'Patient')}`);
  if (patient.length === 0) throw notFound(`Patient/${patientId} not found`);

  // Driven from the reference index (target_id leads idx_reference_target), so it never scans other patients' rows.
  const rows = await ctx.repo.query<{ res_id: string; content: Resource }>(sql`
    SELECT r.res_id, r.content FROM resource r
    WHERE r.res_id IN (
        SELECT p.res_id FROM resource p WHERE p.resource_type = 'Patient' AND p.id = ${patientId}
        UNION
        SELECT x.res_id FROM idx_reference x WHERE x.target_id = ${patientId} AND x.target_type = 'Patient'
          AND (x.resource_type || ' ' || x.param) = ANY(${patientAccessLinks()}::text[]))
      AND ${join(conditions, ' AND ')}
    ORDER BY r.res_id LIMIT ${count + 1}`);
  const page = rows.slice(0, count);
  const included = await supportingResources(ctx, page.map((r) => r.res_id), policy);

  const path = `Patient/${patientId}/$everything`;
  const query = req.query;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [link('self', pageUrl(ctx.baseUrl, path, query, {}))],
    entry: [
      ...page.map((r) => entry(ctx, r.content, 'match')),
      ...included.map((resource) => entry(ctx, resource, 'include')),
    ],
  };
  if (rows.length > count) bundle.link!.push(link('next', pageUrl(ctx.baseUrl, path, query, { _cursor: page[page.length - 1].res_id })));
  return { status: 200, body: bundle };
}

/** The shared resources (staff, organisations, places, medications…) the page's resources point to. */
async function supportingResources(ctx: FhirContext, resIds: string[], policy: Parameters<typeof accessFilter>[0]): Promise<Resource[]> {
  if (resIds.length === 0) return [];
  const rows = await ctx.repo.query<{ content: Resource }>(sql`
    SELECT r.content FROM resource r
    WHERE (r.resource_type, r.id) IN (
        SELECT DISTINCT x.target_type, x.target_id FROM idx_reference x
        WHERE x.res_id = ANY(${resIds}::bigint[]) AND x.target_type = ANY(${SHARED_TYPES}::text[]))
      AND NOT r.deleted AND ${accessFilter(policy, 'r', 'r')}
    ORDER BY r.res_id`);
  return rows.map((r) => r.content);
}

/** A clinical date of the resource overlaps [start, end] — or the resource has no date at all. */
function careDateCondition(start: string | undefined, end: string | undefined): Sql | undefined {
  if (start === undefined && end === undefined) return undefined;
  const low = start !== undefined ? dateRange(start, 'start').low : undefined;
  const high = end !== undefined ? dateRange(end, 'end').high : undefined;
  const overlaps = [low ? sql`d.high >= ${low.toISOString()}::timestamptz` : sql`TRUE`, high ? sql`d.low <= ${high.toISOString()}::timestamptz` : sql`TRUE`];
  return sql`(NOT EXISTS (SELECT 1 FROM idx_date d WHERE d.res_id = r.res_id AND d.param <> '_lastUpdated')
    OR EXISTS (SELECT 1 FROM idx_date d WHERE d.res_id = r.res_id AND d.param <> '_lastUpdated' AND ${join(overlaps, ' AND ')}))`;
}

function dateRange(value: string, name: string): { low: Date; high: Date } {
  const range = parseDateRange(value);
  if (!range) throw badRequest(`${name} must be a date such as 2026-01-31, not ${JSON.stringify(value)}`);
  return range;
}

function entry(ctx: FhirContext, resource: Resource, mode: 'match' | 'include'): BundleEntry {
  return { fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode } };
}
