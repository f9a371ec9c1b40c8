/**
 * Reading the audit trail (administrators only; the guard checks): AuditEvent/{id} and
 * AuditEvent?patient=&date=&agent=&entity=&action=&outcome=&type=&subtype=&address=&_count=, newest first (with
 * _total and _summary=count),
 * paged by a stable cursor. Served from audit_event, not from the resource table.
 */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../errors';
import { link, pageUrl } from '../fhir/bundle-links';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from '../fhir/types';
import { parseDateRange } from '../search/dates';
import { join, Sql, sql } from '../store/sql';

const DEFAULT_COUNT = 50;
const MAX_COUNT = 1000;
const IGNORED = new Set(['_format', '_pretty', '_sort', '_elements']);

export async function readAuditEvent(_req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const id = params.id ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound(`AuditEvent/${id} not found`);
  const rows = await ctx.repo.query<{ content: AuditEvent }>(sql`SELECT content FROM audit_event WHERE id = ${id}::uuid`);
  if (!rows[0]) throw notFound(`AuditEvent/${id} not found`);
  return { status: 200, body: rows[0].content };
}

export async function searchAuditEvents(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const conditions: Sql[] = [];
  let count = DEFAULT_COUNT;
  let withTotal = false;
  for (const [name, values] of Object.entries(req.query)) {
    for (const value of values) {
      if (name === '_count') count = parseCount(value);
      else if (name === '_summary' || name === '_total') {
        // _summary=count and _count=0 answer only the total; _total=accurate|estimate adds it to a page.
        if (name === '_summary' && value === 'count') count = 0;
        if (name === '_total' && value !== 'none') withTotal = true;
      } else if (name !== '_cursor' && !IGNORED.has(name)) conditions.push(condition(name, value));
    }
  }
  const cursor = req.query._cursor?.[0];
  if (cursor !== undefined) {
    if (!/^\d+$/.test(cursor)) throw badRequest(`Invalid _cursor: ${cursor}`);
    conditions.push(sql`seq < ${cursor}`);
  }
  const where = conditions.length ? sql`WHERE ${join(conditions, ' AND ')}` : sql``;
  const rows = count === 0 ? [] : await ctx.repo.query<{ seq: string; content: AuditEvent }>(
    sql`SELECT seq, content FROM audit_event ${where} ORDER BY seq DESC LIMIT ${count + 1}`,
  );
  const page = rows.slice(0, count);
  const applied = Object.fromEntries(Object.entries(req.query).filter(([k]) => k !== '_cursor'));
  const links = [link('self', pageUrl(ctx.baseUrl, 'AuditEvent', applied, {}))];
  if (rows.length > count) links.push(link('next', pageUrl(ctx.baseUrl, 'AuditEvent', applied, { _cursor: page[page.length - 1].seq })));
  const total = count === 0 || withTotal ? await countMatches(ctx, where) : undefined;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(total !== undefined ? { total } : {}),
    link: links,
    entry: page.map((row) => ({ fullUrl: `${ctx.baseUrl}/AuditEvent/${row.content.id}`, resource: row.content, search: { mode: 'match' } })),
  };
  return { status: 200, body: bundle };
}

function condition(name: string, value: string): Sql {
  const values = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) throw badRequest(`Empty value for ${name}`);
  switch (name) {
    case 'patient':
      return sql`patients && ${values.map((v) => v.replace(/^Patient\//, ''))}::text[]`;
    case 'entity':
      return sql`entities && ${values}::text[]`;
    case 'agent':
      return sql`(agent = ANY(${values}::text[]) OR client_id = ANY(${values}::text[]))`;
    case 'action':
      return sql`action = ANY(${values}::text[])`;
    case 'outcome':
      return sql`outcome = ANY(${values}::text[])`;
    case 'type':
      return sql`type_code = ANY(${values.map((v) => v.split('|').pop()!)}::text[])`;
    case 'subtype':
      return sql`content->'subtype'->0->>'code' = ANY(${values.map((v) => v.split('|').pop()!)}::text[])`;
    case 'address':
      return sql`source_ip = ANY(${values}::text[])`;
    case 'date':
      if (values.length !== 1) throw badRequest('date takes one value per parameter (repeat it for a range)');
      return dateCondition(values[0]);
    default:
      throw badRequest(`AuditEvent search does not support the parameter ${name}`);
  }
}

function dateCondition(value: string): Sql {
  const prefix = /^(eq|gt|ge|lt|le)/.exec(value)?.[1] ?? 'eq';
  const range = parseDateRange(value.replace(/^(eq|gt|ge|lt|le)/, ''));
  if (!range) throw badRequest(`Invalid date: ${value}`);
  switch (prefix) {
    case 'gt': return sql`recorded > ${range.high}`;
    case 'ge': return sql`recorded >= ${range.low}`;
    case 'lt': return sql`recorded < ${range.low}`;
    case 'le': return sql`recorded <= ${range.high}`;
    default: return sql`recorded BETWEEN ${range.low} AND ${range.high}`;
  }
}

async function countMatches(ctx: FhirContext, where: Sql): Promise<number> {
  const rows = await ctx.repo.query<{ n: string }>(sql`SELECT count(*) AS n FROM audit_event ${where}`);
  return Number(rows[0].n);
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid _count: ${value}`);
  return Math.min(n, MAX_COUNT);
}
