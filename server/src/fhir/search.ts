/** search-type (GET and POST _search): parse → SQL → searchset Bundle. */
import type { Bundle, BundleEntry, BundleLink } from '@medplum/fhirtypes';
import { FhirError, issue, outcome } from '../errors';
import { executeSearch } from '../search/execute-search';
import { parseSearchQuery } from '../search/parse-search';
import { link, pageUrl } from './bundle-links';
import { assertResourceType } from './resource-types';
import { summarizeResource } from './summary';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';

export async function searchType(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const request = parseSearchQuery(resourceType, req.query);
  const strict = /handling\s*=\s*strict/i.test(req.headers.prefer ?? '');
  if (request.unknown.length > 0 && strict) {
    throw new FhirError(400, outcome(issue('error', 'not-supported', `Unknown or unsupported search parameter(s): ${request.unknown.join(', ')}`)));
  }
  const applied = Object.fromEntries(Object.entries(req.query).filter(([k]) => !request.unknown.includes(k)));
  const result = await executeSearch(ctx.repo, request);
  const entries: BundleEntry[] = result.matches.map((m) => ({
    fullUrl: `${ctx.baseUrl}/${m.resourceType}/${m.id}`,
    resource: summarizeResource(m.resource, request.summary, request.elements),
    search: { mode: 'match' },
  }));
  if (request.unknown.length > 0) {
    entries.push({
      resource: outcome(issue('warning', 'not-supported', `Ignored unknown or unsupported search parameter(s): ${request.unknown.join(', ')}`)),
      search: { mode: 'outcome' },
    });
  }
  const links: BundleLink[] = [link('self', pageUrl(ctx.baseUrl, resourceType, applied, {}))];
  if (result.hasMore) {
    links.push(link('next', pageUrl(ctx.baseUrl, resourceType, applied, { _offset: String(request.offset + request.count) })));
  }
  if (request.offset > 0) {
    links.push(link('previous', pageUrl(ctx.baseUrl, resourceType, applied, { _offset: String(Math.max(0, request.offset - request.count)) })));
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
    entry: entries,
  };
  return { status: 200, body: bundle };
}
