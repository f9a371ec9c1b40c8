/**
 * Runs a SearchRequest against PostgreSQL. A page is a bounded number of statements whatever the result size:
 * terminology (0–3, only for :in/:not-in/:above/:below), the page (1), the total (0–1), includes (0–4).
 */
import type { Repository, StoredVersion } from '../store/repository';
import { toVersion } from '../store/repository';
import { sql } from '../store/sql';
import { MAX_INCLUDE_ITERATIONS, MAX_INCLUDES, SearchRequest } from './search-request';
import { BuildContext, createBuildContext, RowFilter } from './sql/context';
import { includeRoundQuery } from './sql/include';
import { Cursor, decodeCursor, encodeCursor, pageQuery, rowKeyValues, sortKeys } from './sql/sort-and-paging';
import { buildWhere, rootScope } from './sql/where';
import { resolveTerminology } from './terminology/resolve';

export interface SearchResult {
  matches: StoredVersion[];
  /** _include / _revinclude results (not matches). */
  included: StoredVersion[];
  total?: number;
  /** Cursors for the next/previous links, when such pages exist. */
  nextCursor?: string;
  previousCursor?: string;
  /** Limits that applied (include cap, iteration depth): the Bundle reports them. */
  warnings: string[];
}

export interface ExecuteOptions {
  /** Our FHIR base URL: absolute references to it count as local. */
  baseUrl?: string;
  now?: Date;
  /** The caller's access policy as SQL, applied to matches, included resources and rows chains look through. */
  rowFilter?: RowFilter;
}

type Row = Parameters<typeof toVersion>[0] & Record<string, unknown>;

export async function executeSearch(repo: Repository, request: SearchRequest, options: ExecuteOptions = {}): Promise<SearchResult> {
  const terminology = await resolveTerminology(repo, request);
  const ctx = createBuildContext({ baseUrl: options.baseUrl, terminology, now: options.now, rowFilter: options.rowFilter });
  const where = buildWhere(ctx, request);
  const keys = sortKeys(request, rootScope(request));
  const cursor = request.cursor ? decodeCursor(request.cursor, keys) : undefined;
  const result: SearchResult = { matches: [], included: [], warnings: [...terminology.notes] };
  let complete = false;
  if (request.count > 0 && request.summary !== 'count') {
    const rows = await repo.query<Row>(pageQuery(where, keys, cursor, request.count + 1));
    const more = rows.length > request.count;
    const page = rows.slice(0, request.count);
    const backward = cursor?.direction === 'previous';
    if (backward) page.reverse();
    result.matches = page.map(toVersion);
    if (page.length > 0) {
      const boundary = (row: Row, direction: Cursor['direction']) =>
        encodeCursor({ values: rowKeyValues(row, keys), resId: String(row.res_id), direction });
      if (backward || more) result.nextCursor = boundary(page[page.length - 1], 'next');
      if (backward ? more : cursor !== undefined) result.previousCursor = boundary(page[0], 'previous');
    }
    complete = !cursor && !more;
  }
  if (complete) result.total = result.matches.length;
  else if (request.total === 'accurate' || request.summary === 'count' || request.count === 0) result.total = await countMatches(repo, where);
  else if (request.total === 'estimate') result.total = await estimateMatches(repo, where);
  if (result.matches.length > 0 && (request.include.length > 0 || request.revinclude.length > 0)) {
    result.included = await resolveIncludes(repo, ctx, request, result.matches, result.warnings);
  }
  return result;
}

/** Matches for a conditional interaction: at most `limit` (2 is enough to tell "one" from "several"). */
export async function findConditionalMatches(repo: Repository, request: SearchRequest, limit = 2, options: ExecuteOptions = {}): Promise<StoredVersion[]> {
  const result = await executeSearch(repo, {
    ...request, count: limit, cursor: undefined, total: 'none', summary: undefined, include: [], revinclude: [], sort: [],
  }, options);
  return result.matches;
}

async function countMatches(repo: Repository, where: ReturnType<typeof buildWhere>): Promise<number> {
  const [{ count }] = await repo.query<{ count: string }>(sql`SELECT count(*) AS count FROM resource r WHERE ${where}`);
  return Number(count);
}

/** The planner's row estimate: cheap at any size, and what `_total=estimate` asks for. */
async function estimateMatches(repo: Repository, where: ReturnType<typeof buildWhere>): Promise<number> {
  const rows = await repo.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM resource r WHERE ${where}`,
  );
  return Math.round(rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
}

async function resolveIncludes(
  repo: Repository, ctx: BuildContext, request: SearchRequest, matches: StoredVersion[], warnings: string[],
): Promise<StoredVersion[]> {
  const included: StoredVersion[] = [];
  const seen = new Set(matches.map((m) => m.resId));
  let source = matches;
  for (let round = 0; source.length > 0; round++) {
    const include = round === 0 ? request.include : request.include.filter((rule) => rule.iterate);
    const revinclude = round === 0 ? request.revinclude : request.revinclude.filter((rule) => rule.iterate);
    if (include.length === 0 && revinclude.length === 0) break;
    if (round > MAX_INCLUDE_ITERATIONS) {
      warnings.push(`_include/_revinclude :iterate stopped after ${MAX_INCLUDE_ITERATIONS} rounds; further resources were not included`);
      break;
    }
    const remaining = MAX_INCLUDES - included.length;
    const statement = includeRoundQuery(ctx, {
      resIds: source.map((s) => s.resId), types: source.map((s) => s.resourceType), ids: source.map((s) => s.id),
    }, include, revinclude, [...seen], remaining + 1);
    if (!statement) break;
    const rows = await repo.query<Row>(statement);
    const capped = rows.length > remaining;
    source = rows.slice(0, remaining).map(toVersion);
    for (const version of source) seen.add(version.resId);
    included.push(...source);
    if (capped) {
      warnings.push(`More than ${MAX_INCLUDES} resources matched _include/_revinclude for this page; only the first ${MAX_INCLUDES} are included`);
      break;
    }
  }
  return included;
}
