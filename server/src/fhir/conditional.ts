/**
 * Finding the target of a conditional create/update/delete/patch. The search runs under a transaction-scoped
 * advisory lock on the resource TYPE, held until the write commits: two conditional writes whose criteria could
 * match the same resource (`identifier=X` and `identifier=X&name=Y`) serialise whatever their criteria, in every
 * process on the database, and the second one's search (READ COMMITTED: a fresh snapshot per statement) sees what
 * the first committed. A lock per criteria string could not know which criteria overlap. Transaction-scoped locks
 * work through PgBouncer in transaction mode. The cost: conditional writes of one type run one at a time.
 */
import { badRequest } from '../errors';
import { findConditionalMatches } from '../search/execute-search';
import { parseSearchQuery } from '../search/parse-search';
import type { RowFilter } from '../search/sql/context';
import type { Repository, StoredVersion } from '../store/repository';
import { checkParameterText, groupParameters } from './request-text';

export function parseQueryString(text: string): Record<string, string[]> {
  const queryPart = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
  const query = groupParameters(new URLSearchParams(queryPart));
  checkParameterText(query);
  return query;
}

/**
 * Must run inside a transaction. Unknown parameters are refused: ignoring one could match the wrong resource.
 * `rowFilter` (the caller's access filter, FhirContext.searchRowFilter): resources the caller may not see never
 * match, so a conditional write cannot reveal that they exist.
 */
export async function findConditionalTargets(
  repo: Repository,
  resourceType: string,
  query: Record<string, string[]>,
  rowFilter: RowFilter | undefined,
): Promise<StoredVersion[]> {
  const request = parseSearchQuery(resourceType, query);
  if (request.unknown.length > 0) {
    throw badRequest(`Conditional criteria use unknown or unsupported parameter(s): ${request.unknown.join(', ')}`);
  }
  if (request.filters.length === 0) throw badRequest('Conditional interaction needs search criteria');
  await lockConditionalWrites(repo, [resourceType]);
  return findConditionalMatches(repo, request, 2, { rowFilter });
}

/**
 * Takes the conditional-write locks of these types for the rest of the transaction, in one fixed (sorted) order so
 * that a transaction Bundle locking several types up front cannot deadlock with another. Re-taking one it already
 * holds is free.
 */
export async function lockConditionalWrites(repo: Repository, resourceTypes: string[]): Promise<void> {
  for (const type of [...new Set(resourceTypes)].sort()) await repo.lock(`conditional-write:${type}`);
}
