/**
 * The one route table of the FHIR API. Express, batch/transaction entries and the CapabilityStatement all read
 * it, so what the server advertises is what it does.
 */
import { guardedDispatch } from '../auth/fhir-access-guard';
import { methodNotAllowed, notFound } from '../errors';
import { applyPreferReturn } from './prefer';
import { checkParameterText } from './request-text';
import type { FhirContext, FhirRequest, FhirResponse, Handler, HttpMethod, Interaction, Route, RouteParams } from './types';

export type { Route } from './types';

const routes: Route[] = [];

const WRITE_INTERACTIONS = new Set<Interaction>(['create', 'update', 'patch', 'conditional-update', 'conditional-patch']);

export function addRoute(method: HttpMethod, pattern: string, interaction: Interaction, handler: Handler): void {
  routes.push({ method, pattern: pattern ? pattern.split('/') : [], interaction, handler });
}

export function listRoutes(): readonly Route[] {
  return routes;
}

interface Match {
  route: Route;
  params: RouteParams;
}

export function matchRoute(method: HttpMethod, path: string): Match {
  const segments = path.split('/').filter((s) => s.length > 0);
  const effectiveMethod = method === 'HEAD' ? 'GET' : method;
  let pathMatched = false;
  for (const route of routes) {
    const params = matchSegments(route.pattern, segments);
    if (!params) continue;
    pathMatched = true;
    if (route.method === effectiveMethod) return { route, params };
  }
  if (pathMatched) throw methodNotAllowed(`${method} is not supported on /${path}`);
  throw notFound(`No FHIR interaction at /${path}`);
}

function matchSegments(pattern: string[], segments: string[]): RouteParams | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: RouteParams = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = segments[i]; // decoded once, when the request was made (fhir/request-text.ts)
    if (p === ':type') {
      if (!/^[A-Z]/.test(s)) return undefined;
      params.resourceType = s;
    } else if (p === ':id') {
      if (s.startsWith('_') || s.startsWith('$')) return undefined;
      params.id = s;
    } else if (p === ':vid') params.versionId = s;
    else if (p === ':compartment') {
      if (!/^[A-Z]/.test(s)) return undefined;
      params.compartmentType = s;
    }
    else if (p.startsWith('$')) {
      if (s !== p) return undefined;
      params.operation = s.slice(1);
    } else if (p !== s) return undefined;
  }
  return params;
}

/** Runs one request through the route table: the same path for HTTP requests and Bundle entries. */
export async function dispatch(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  checkParameterText(req.query);
  const { route, params } = matchRoute(req.method, req.path);
  const response = await guardedDispatch(route, params, req, ctx); // scopes, row access and audit: auth/fhir-access-guard.ts
  return WRITE_INTERACTIONS.has(route.interaction) ? applyPreferReturn(response, req.headers.prefer) : response;
}
