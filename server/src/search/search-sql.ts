/**
 * The WHERE clause of a parsed search over `resource r`, without running it: for callers that embed a search's
 * conditions in their own statements (e.g. granular SMART scopes). Terminology modifiers (:in, :below, …) need a
 * database round trip first, so here they fail with a 400; executeSearch handles them.
 */
import type { Sql } from '../store/sql';
import type { SearchRequest } from './search-request';
import { createBuildContext } from './sql/context';
import { buildWhere as buildWhereWith } from './sql/where';
import { NO_TERMINOLOGY } from './terminology/resolve';

export function buildWhere(request: SearchRequest, options: { baseUrl?: string } = {}): Sql {
  return buildWhereWith(createBuildContext({ baseUrl: options.baseUrl, terminology: NO_TERMINOLOGY }), request);
}
