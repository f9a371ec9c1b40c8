/** Rewriting a transaction's `urn:uuid:` fullUrls, and resolving conditional references, in every resource. */
import type { Resource } from '@medplum/fhirtypes';
import { badRequest, preconditionFailed } from '../errors';
import { findConditionalMatches } from '../search/execute-search';
import { parseSearchQuery } from '../search/parse-search';
import type { RowFilter } from '../search/sql/context';
import type { Repository } from '../store/repository';
import { parseQueryString } from './conditional';

/**
 * Replaces every string that equals a mapped fullUrl (Reference.reference, canonical, uri…) anywhere in `value`, and
 * the links in narrative XHTML (`div`) that name one (narrativeLinks).
 */
export function rewriteReferences<T>(value: T, mapping: Map<string, string>, baseUrl: string): T {
  if (typeof value === 'string') return (mapping.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, mapping, baseUrl)) as T;
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      result[key] = key === 'div' && typeof v === 'string' ? rewriteNarrativeLinks(v, mapping, baseUrl) : rewriteReferences(v, mapping, baseUrl);
    }
    return result as T;
  }
  return value;
}

/** The attribute of each tag that R4 names as a link to rewrite. */
const LINK_ATTRIBUTE: Record<string, string> = { a: 'href', img: 'src' };
const TAG = /<(a|img)\b([^>]*)>/gi;
const ATTRIBUTE = /(\s)([A-Za-z:-]+)(\s*=\s*)(["'])([^"']*)\4/g;

/**
 * R4 http.html#trules ("Replacing hyperlinks and full-urls"): `<a href>` and `<img src>` in narrative that name a
 * fullUrl of the transaction (or its part before `#`) become the new absolute URL. Only those attributes of those
 * tags are touched: a string replacement over the whole XHTML could change text that merely looks like the URL.
 */
export function rewriteNarrativeLinks(div: string, mapping: Map<string, string>, baseUrl: string): string {
  return div.replace(TAG, (tag, name: string, attributes: string) => {
    const wanted = LINK_ATTRIBUTE[name.toLowerCase()];
    const rewritten = attributes.replace(ATTRIBUTE, (attribute, space: string, attr: string, equals: string, quote: string, url: string) => {
      if (attr.toLowerCase() !== wanted) return attribute;
      const hash = url.indexOf('#');
      const target = mapping.get(hash < 0 ? url : url.slice(0, hash));
      if (!target) return attribute;
      return `${space}${attr}${equals}${quote}${baseUrl}/${target}${hash < 0 ? '' : url.slice(hash)}${quote}`;
    });
    return `<${name}${rewritten}>`;
  });
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
