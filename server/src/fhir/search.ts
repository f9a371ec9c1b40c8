/**
 * Search interactions: type (GET and POST _search, identical), system-wide (`/fhir?_type=…`, POST `/fhir/_search`)
 * and compartment (`/Patient/123/Observation`, `/Patient/123/*`). Parse → execute → searchset Bundle with matches, included resources, paging links
 * and an OperationOutcome entry for whatever was not applied or was limited.
 */
import type { Bundle, BundleEntry, BundleLink, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { badRequest, FhirError, issue, outcome } from '../errors';
import { SUPPORTED_COMPARTMENTS } from '../search/compartments';
import { executeSearch, ExecuteOptions, SearchResult } from '../search/execute-search';
import { parseSearchQuery } from '../search/parse-search';
import type { SearchRequest } from '../search/search-request';
import type { StoredVersion } from '../store/repository';
import { link, searchPageUrl } from './bundle-links';
import { assertResourceType, assertValidId } from './resource-types';
import { summarizeResource } from './summary';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';

export async function searchType(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const request = parseSearchQuery(resourceType, req.query, { baseUrl: ctx.baseUrl });
  return runSearch(req, ctx, request, resourceType);
}

export async function searchSystem(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const request = parseSearchQuery('', req.query, { baseUrl: ctx.baseUrl, system: true });
  return runSearch(req, ctx, request, '');
}

/**
 * `[compartment]/[id]/[type]` and `[compartment]/[id]/*` (every type in the compartment, narrowed by `_type`), by GET
 * or by POST `…/_search` with the parameters in the query and a form body. Both run the compartment's patient
 * through the same access check (auth/fhir-access-guard.ts) and the rows through the same access filter.
 */
export async function searchCompartment(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const compartmentType = params.compartmentType ?? '';
  if (!SUPPORTED_COMPARTMENTS.includes(compartmentType)) {
    throw badRequest(`Compartment search is supported for ${SUPPORTED_COMPARTMENTS.join(', ')}, not ${compartmentType}`);
  }
  const compartment = { type: compartmentType, id: assertValidId(params.id) };
  if (!params.resourceType) {
    const request = parseSearchQuery('', req.query, { baseUrl: ctx.baseUrl, system: true });
    request.compartment = compartment;
    return runSearch(req, ctx, request, `${compartment.type}/${compartment.id}/*`);
  }
  const resourceType = assertResourceType(params.resourceType);
  const request = parseSearchQuery(resourceType, req.query, { baseUrl: ctx.baseUrl });
  request.compartment = compartment;
  return runSearch(req, ctx, request, `${compartment.type}/${compartment.id}/${resourceType}`);
}

async function runSearch(req: FhirRequest, ctx: FhirContext, request: SearchRequest, path: string): Promise<FhirResponse> {
  if (request.unknown.length > 0 && /handling\s*=\s*strict/i.test(req.headers.prefer ?? '')) {
    throw new FhirError(400, outcome(...request.unknown.map((name) =>
      issue('error', 'not-supported', `Search parameter ${name} cannot be applied: ${request.unknownReasons[name]}`))));
  }
  const result = await executeSearch(ctx.repo, request, executeOptions(ctx));
  return { status: 200, body: searchsetBundle(ctx, request, result, path) };
}

/** The search options a request context gives (base URL; the access filter when the context carries one). */
function executeOptions(ctx: FhirContext): ExecuteOptions {
  return { baseUrl: ctx.baseUrl, rowFilter: ctx.searchRowFilter };
}

export function searchsetBundle(ctx: FhirContext, request: SearchRequest, result: SearchResult, path: string): Bundle {
  const entries: BundleEntry[] = [
    ...result.matches.map((m) => entry(ctx, m, 'match', summarizeResource(m.resource, summaryOf(request), request.elements))),
    ...result.included.map((m) => entry(ctx, m, 'include', summarizeResource(m.resource, summaryOf(request)))),
  ];
  const issues = outcomeIssues(request, result);
  if (issues.length > 0) entries.push({ resource: outcome(...issues), search: { mode: 'outcome' } });
  const links: BundleLink[] = [link('self', searchPageUrl(ctx.baseUrl, path, request.applied, request.cursor))];
  if (result.nextCursor) links.push(link('next', searchPageUrl(ctx.baseUrl, path, request.applied, result.nextCursor)));
  if (result.previousCursor) links.push(link('previous', searchPageUrl(ctx.baseUrl, path, request.applied, result.previousCursor)));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
    entry: entries,
  };
}

/** `_summary=count` returns no resources; the other values shape each resource. */
function summaryOf(request: SearchRequest): string | undefined {
  return request.summary === 'count' ? undefined : request.summary;
}

function entry(ctx: FhirContext, version: StoredVersion, mode: 'match' | 'include', resource: StoredVersion['resource']): BundleEntry {
  return { fullUrl: `${ctx.baseUrl}/${version.resourceType}/${version.id}`, resource, search: { mode } };
}

function outcomeIssues(request: SearchRequest, result: SearchResult): OperationOutcomeIssue[] {
  return [
    ...request.unknown.map((name) =>
      issue('warning', 'not-supported', `Search parameter ${name} was ignored: ${request.unknownReasons[name]}`)),
    ...request.notes.map((note) => issue('information', 'informational', note)),
    ...result.warnings.map((warning) => issue('warning', 'incomplete', warning)),
  ];
}
