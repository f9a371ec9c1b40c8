/** Runs a SearchRequest against PostgreSQL: one statement for the page, one more for an accurate total. */
import type { Repository, StoredVersion } from '../store/repository';
import { toVersion } from '../store/repository';
import { sql } from '../store/sql';
import { buildWhere } from './search-sql';
import { SearchRequest } from './search-request';

export interface SearchResult {
  matches: StoredVersion[];
  /** More matches exist after this page. */
  hasMore: boolean;
  total?: number;
}

export async function executeSearch(repo: Repository, request: SearchRequest): Promise<SearchResult> {
  const where = buildWhere(request);
  const rows = await repo.query<Parameters<typeof toVersion>[0]>(
    sql`SELECT r.res_id, r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.content
        FROM resource r WHERE ${where} ORDER BY r.res_id LIMIT ${request.count + 1} OFFSET ${request.offset}`,
  );
  const hasMore = rows.length > request.count;
  const matches = rows.slice(0, request.count).map(toVersion);
  let total: number | undefined;
  if (request.total === 'accurate' || request.total === 'estimate') {
    const [{ count }] = await repo.query<{ count: string }>(sql`SELECT count(*) AS count FROM resource r WHERE ${where}`);
    total = Number(count);
  }
  return { matches, hasMore, total };
}

/** Matches for a conditional interaction: at most `limit` (2 is enough to tell "one" from "several"). */
export async function findConditionalMatches(repo: Repository, request: SearchRequest, limit = 2): Promise<StoredVersion[]> {
  const result = await executeSearch(repo, { ...request, count: limit, offset: 0, total: 'none' });
  return result.matches;
}
