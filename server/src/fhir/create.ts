/** create, and conditional create (If-None-Exist) that never duplicates. */
import { randomUUID } from 'node:crypto';
import { preconditionFailed } from '../errors';
import { assertValidResource } from '../validation/validate-resource';
import { findConditionalTargets, parseQueryString } from './conditional';
import { requireResourceBody } from './request-body';
import { assertResourceType } from './resource-types';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';
import { versionResponse, withWarnings } from './versioning';

export async function createResource(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const resource = requireResourceBody(req.body, resourceType);
  // The server assigns the id of a created resource; a client id in the body is ignored, as the spec says.
  const candidate = { ...resource, id: req.assignedId ?? randomUUID() };
  const warnings = assertValidResource(candidate);
  const write = (repo = ctx.repo) => repo.write({ resourceType, id: candidate.id, method: 'POST', resource: candidate, isNew: true, origin: ctx });
  if (!req.headers.ifNoneExist) return withWarnings(versionResponse(201, await write(), ctx, true), warnings);

  return ctx.repo.transaction(async (tx) => {
    const matches = await findConditionalTargets(tx, resourceType, parseQueryString(req.headers.ifNoneExist!), ctx.searchRowFilter);
    if (matches.length > 1) throw preconditionFailed(`If-None-Exist matched ${matches.length} resources; it must match at most one`);
    if (matches.length === 1) return versionResponse(200, matches[0], ctx, true);
    return withWarnings(versionResponse(201, await write(tx), ctx, true), warnings);
  });
}
