/** Rewriting a transaction's `urn:uuid:` fullUrls, and resolving conditional references, in every resource. */
import type { Resource } from '@medplum/fhirtypes';
import { badRequest, preconditionFailed } from '../errors';
import { findConditionalMatches } from '../search/execute-search';
import { parseSearchQuery } from '../search/parse-search';
import type { RowFilter } from '../search/sql/context';
import type { Repository } from '../store/repository';
import { parseQueryString } from './conditional';

/** Replaces every string that equals a mapped fullUrl (Reference.reference, canonical, uri…) anywhere in `value`. */
export function rewriteReferences<T>(value: T, mapping: Map<string, string>): T {
  if (typeof value === 'string') return (mapping.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, mapping)) as T;
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) result[key] = rewriteReferences(v, mapping);
    return result as T;
  }
  return value;
}

/** Every `reference` string in `resource` of the form `Type?criteria`. */
export function collectConditionalReferences(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => collectConditionalReferences(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string' && /^[A-Z][A-Za-z]+\?/.test(v)) found.add(v);
      else collectConditionalReferences(v, found);
    }
  }
  return found;
}

/** Resolves `Type?criteria` to `Type/id`; exactly one match is required. */
export async function resolveConditionalReference(repo: Repository, reference: string, rowFilter?: RowFilter): Promise<string> {
  const resourceType = reference.slice(0, reference.indexOf('?'));
  const request = parseSearchQuery(resourceType, parseQueryString(reference));
  if (request.unknown.length > 0) throw badRequest(`Conditional reference ${reference} uses unknown parameter(s): ${request.unknown.join(', ')}`);
  if (request.filters.length === 0) throw badRequest(`Conditional reference ${reference} has no criteria`);
  const matches = await findConditionalMatches(repo, request, 2, { rowFilter });
  if (matches.length === 0) throw preconditionFailed(`Conditional reference ${reference} matched no resource`);
  if (matches.length > 1) throw preconditionFailed(`Conditional reference ${reference} matched more than one resource`);
  return `${resourceType}/${matches[0].id}`;
}

export function isResource(value: unknown): value is Resource {
  return !!value && typeof value === 'object' && typeof (value as Resource).resourceType === 'string';
}
