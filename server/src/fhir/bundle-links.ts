/** Self/next/previous links for searchset and history Bundles. */
import type { BundleLink } from '@medplum/fhirtypes';

export function pageUrl(baseUrl: string, path: string, query: Record<string, string[]>, overrides: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(query)) {
    if (key in overrides) continue;
    for (const value of values) params.append(key, value);
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) params.set(key, value);
  const qs = params.toString();
  return `${baseUrl}${path ? `/${path}` : ''}${qs ? `?${qs}` : ''}`;
}

export function link(relation: string, url: string): BundleLink {
  return { relation, url };
}
