/** update (and update-as-create with a client id), versioned by If-Match; conditional update by search criteria. */
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { badRequest, preconditionFailed } from '../errors';
import type { Repository } from '../store/repository';
import { assertNotSigned } from '../operations/iop/note-lock';
import { assertValidResource } from '../validation/validate-resource';
import { findConditionalTargets } from './conditional';
import { requireResourceBody } from './request-body';
import { assertResourceType, assertValidId } from './resource-types';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';
import { checkIfMatch, versionResponse, withWarnings } from './versioning';

export async function updateResource(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const id = assertValidId(params.id);
  const resource = requireResourceBody(req.body, resourceType);
  if (resource.id === undefined) throw badRequest('The resource in an update must have an id (the same as in the URL)', [`${resourceType}.id`]);
  if (resource.id !== id) throw badRequest(`Resource id ${JSON.stringify(resource.id)} does not match the URL id ${JSON.stringify(id)}`, [`${resourceType}.id`]);
  return writeUpdate(ctx.repo, ctx, resourceType, id, resource, req.headers.ifMatch, 'PUT');
}

export async function conditionalUpdate(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const resource = requireResourceBody(req.body, resourceType);
  return ctx.repo.transaction(async (tx) => {
    const matches = await findConditionalTargets(tx, resourceType, req.query, ctx.searchRowFilter);
    if (matches.length > 1) throw preconditionFailed(`Conditional update matched ${matches.length} resources; it must match at most one`);
    const target = matches[0];
    if (target && resource.id !== undefined && resource.id !== target.id) {
      throw badRequest(`Resource id ${resource.id} does not match the resource the criteria found (${target.id})`, [`${resourceType}.id`]);
    }
    const id = target?.id ?? (resource.id !== undefined ? assertValidId(resource.id) : randomUUID());
    return writeUpdate(tx, ctx, resourceType, id, { ...resource, id }, req.headers.ifMatch, 'PUT');
  });
}

/** Shared by update, conditional update and patch: validate, then write under the row lock (the write hooks run in the same transaction). */
export async function writeUpdate(
  repo: Repository,
  ctx: FhirContext,
  resourceType: string,
  id: string,
  resource: Resource,
  ifMatch: string | undefined,
  method: 'PUT' | 'PATCH',
): Promise<FhirResponse> {
  const warnings = assertValidResource(resource);
  let created = false;
  const version = await repo.write({
    resourceType, id, method, resource, origin: ctx,
    check: (current) => {
      checkIfMatch(ifMatch, current);
      assertNotSigned(current); // a signed note changes only by amendment
      created = !current || current.deleted;
      if (method === 'PATCH' && created) throw preconditionFailed(`${resourceType}/${id} does not exist`);
    },
  });
  return withWarnings(versionResponse(created ? 201 : 200, version, ctx, created), warnings);
}
