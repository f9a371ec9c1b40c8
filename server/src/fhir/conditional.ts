/**
 * Finding the target of a conditional create/update/delete/patch. The search runs under an advisory lock on the
 * (type, criteria) pair for the rest of the transaction, so concurrent identical conditional writes never duplicate.
 */
import { badRequest } from '../errors';
import { findConditionalMatches } from '../search/execute-search';
import { parseSearchQuery } from '../search/parse-search';
import type { RowFilter } from '../search/sql/context';
import type { Repository, StoredVersion } from '../store/repository';
import { checkParameterText } from './request-text';

export function parseQueryString(text: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  const queryPart = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
  for (const [key, value] of new URLSearchParams(queryPart)) (query[key] ??= []).push(value);
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
  const key = Object.keys(query).sort().map((k) => `${k}=${[...query[k]].sort().join('&')}`).join('&');
  await repo.lock(`${resourceType}?${key}`);
  return findConditionalMatches(repo, request, 2, { rowFilter });
}
