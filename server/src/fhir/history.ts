/**
 * history at instance, type and system level, newest first, with _since, _at and _count. Pages are keyed by the
 * history sequence number (`_cursor`), so concurrent writes never shift a page.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../errors';
import { parseDateRange } from '../search/dates';
import { DEFAULT_COUNT, MAX_COUNT } from '../search/search-request';
import { toVersion } from '../store/repository';
import { join, Sql, sql } from '../store/sql';
import { link, pageUrl } from './bundle-links';
import { assertResourceType, assertValidId } from './resource-types';
import { FhirContext, FhirRequest, FhirResponse, firstParam, RouteParams } from './types';
import { etag } from './versioning';

type HistoryRow = Parameters<typeof toVersion>[0] & { seq: string; method: string };

export async function historyInstance(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const id = assertValidId(params.id);
  if (!(await ctx.repo.readCurrent(resourceType, id))) throw notFound(`${resourceType}/${id} not found`);
  return history(req, ctx, `${resourceType}/${id}/_history`, [sql`h.resource_type = ${resourceType}`, sql`h.id = ${id}`], resourceType);
}

export async function historyType(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  return history(req, ctx, `${resourceType}/_history`, [sql`h.resource_type = ${resourceType}`], resourceType);
}

export async function historySystem(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  return history(req, ctx, '_history', []);
}

async function history(req: FhirRequest, ctx: FhirContext, path: string, scope: Sql[], resourceType?: string): Promise<FhirResponse> {
  const count = parseCount(firstParam(req.query, '_count'));
  const cursor = firstParam(req.query, '_cursor');
  const conditions = [...scope, ...timeConditions(req)];
  // The caller's access filter, in the statement: pages stay full and versions they may not see are never read.
  if (ctx.historyRowFilter) conditions.push(ctx.historyRowFilter('h', resourceType));
  if (cursor !== undefined) {
    if (!/^\d+$/.test(cursor)) throw badRequest(`Invalid _cursor: ${cursor}`);
    conditions.push(sql`h.seq < ${cursor}`);
  }
  const where = conditions.length ? sql`WHERE ${join(conditions, ' AND ')}` : sql``;
  const rows = await ctx.repo.query<HistoryRow>(
    sql`SELECT h.seq, h.res_id, h.resource_type, h.id, h.version_id, h.last_updated, h.deleted, h.content, h.method
        FROM resource_history h ${where} ORDER BY h.seq DESC LIMIT ${count + 1}`,
  );
  const page = rows.slice(0, count);
  const links = [link('self', pageUrl(ctx.baseUrl, path, req.query, {}))];
  if (rows.length > count) links.push(link('next', pageUrl(ctx.baseUrl, path, req.query, { _cursor: String(page[page.length - 1].seq) })));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'history', link: links, entry: page.map((row) => historyEntry(row, ctx)) };
  return { status: 200, body: bundle };
}

function historyEntry(row: HistoryRow, ctx: FhirContext): BundleEntry {
  const version = toVersion(row);
  const url = `${version.resourceType}/${version.id}`;
  const entry: BundleEntry = {
    fullUrl: `${ctx.baseUrl}/${url}`,
    request: { method: row.method as 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: row.method === 'POST' ? version.resourceType : url },
    response: {
      status: version.deleted ? '204' : row.method === 'POST' ? '201' : '200',
      etag: etag(version.versionId),
      lastModified: version.lastUpdated.toISOString(),
    },
  };
  if (!version.deleted) entry.resource = version.resource;
  return entry;
}

function parseCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_COUNT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid _count: ${value}`);
  return Math.min(n, MAX_COUNT);
}

/**
 * `_since`: versions written at or after the instant. `_at`: versions that were current at some point during the
 * range the value implies (a version is current from its lastUpdated until the next version's).
 */
function timeConditions(req: FhirRequest): Sql[] {
  const conditions: Sql[] = [];
  const since = firstParam(req.query, '_since');
  if (since !== undefined) {
    const range = parseDateRange(since);
    if (!range) throw badRequest(`Invalid _since: ${since}`);
    conditions.push(sql`h.last_updated >= ${range.low}`);
  }
  const at = firstParam(req.query, '_at');
  if (at !== undefined) {
    const range = parseDateRange(at);
    if (!range) throw badRequest(`Invalid _at: ${at}`);
    conditions.push(sql`h.last_updated <= ${range.high}`);
    conditions.push(sql`NOT EXISTS (SELECT 1 FROM resource_history n WHERE n.res_id = h.res_id
      AND n.version_id > h.version_id AND n.last_updated < ${range.low})`);
  }
  return conditions;
}
