/** Self/next/previous links for searchset and history Bundles. */
import type { BundleLink } from '@medplum/fhirtypes';

export function pageUrl(baseUrl: string, path: string, query: Record<string, string[]>, overrides: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(query)) {
    if (key in overrides) continue;
    for (const value of values) params.append(key, value);
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) params.set(key, value);
  return withQuery(baseUrl, path, params);
}

/** A search page: the parameters that were applied, in order, plus the page's cursor if any. */
export function searchPageUrl(baseUrl: string, path: string, applied: [string, string][], cursor?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of applied) params.append(key, value);
  if (cursor) params.set('_cursor', cursor);
  return withQuery(baseUrl, path, params);
}

function withQuery(baseUrl: string, path: string, params: URLSearchParams): string {
  const qs = params.toString();
  return `${baseUrl}${path ? `/${path}` : ''}${qs ? `?${qs}` : ''}`;
}

export function link(relation: string, url: string): BundleLink {
  return { relation, url };
}
