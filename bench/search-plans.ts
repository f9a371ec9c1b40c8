/**
 * The plan PostgreSQL picks, at the benchmark's data size, for the page statement the server runs for a query:
 * which tables (if any) it scans whole. Built with the server's own parser and SQL builder.
 */
import type { Pool } from 'pg';
import { parseSearchQuery } from '../server/src/search/parse-search';
import { createBuildContext } from '../server/src/search/sql/context';
import { pageQuery, sortKeys } from '../server/src/search/sql/sort-and-paging';
import { buildWhere, rootScope } from '../server/src/search/sql/where';
import { NO_TERMINOLOGY } from '../server/src/search/terminology/resolve';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** The page statement the server runs for `path` (below the FHIR base), with its values. */
export function serverPageStatement(path: string): { text: string; values: unknown[] } {
  const [type, queryString = ''] = path.split('?');
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(queryString)) (query[key] ??= []).push(value);
  const request = parseSearchQuery(type, query);
  const ctx = createBuildContext({ terminology: NO_TERMINOLOGY });
  return pageQuery(buildWhere(ctx, request), sortKeys(request, rootScope(request)), undefined, request.count + 1).toQuery();
}

/** Tables read by a Seq Scan in the plan of `path` (below the FHIR base), e.g. [] when every read uses an index. */
export async function seqScannedTables(pool: Pool, path: string): Promise<string[]> {
  const { text, values } = serverPageStatement(path);
  const { rows } = await pool.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
  const found: string[] = [];
  const visit = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) found.push(node['Relation Name']);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(rows[0]['QUERY PLAN'][0].Plan);
  return found;
}
