/** delete and conditional delete. A deletion is a new version in history; later reads answer 410 Gone. */
import { notFound, preconditionFailed } from '../errors';
import { assertNotSigned } from '../operations/iop/note-lock';
import type { Repository } from '../store/repository';
import { findConditionalTargets } from './conditional';
import { assertResourceType, assertValidId } from './resource-types';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';
import { checkIfMatch, etag } from './versioning';

export async function deleteResource(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const id = assertValidId(params.id);
  return writeDelete(ctx.repo, resourceType, id, req.headers.ifMatch, ctx);
}

export async function conditionalDelete(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  return ctx.repo.transaction(async (tx) => {
    const matches = await findConditionalTargets(tx, resourceType, req.query, ctx.searchRowFilter);
    if (matches.length > 1) throw preconditionFailed(`Conditional delete matched ${matches.length} resources; it must match at most one`);
    if (matches.length === 0) return { status: 204 };
    return writeDelete(tx, resourceType, matches[0].id, req.headers.ifMatch, ctx);
  });
}

async function writeDelete(repo: Repository, resourceType: string, id: string, ifMatch: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  return repo.transaction(async (tx) => {
    const current = await tx.readCurrent(resourceType, id);
    if (!current) throw notFound(`${resourceType}/${id} not found`);
    if (current.deleted) return { status: 204, headers: { ETag: etag(current.versionId) } };
    const version = await tx.write({ resourceType, id, method: 'DELETE', origin: ctx, check: (locked) => {
      checkIfMatch(ifMatch, locked);
      assertNotSigned(locked); // a signed note is never deleted
    } });
    return { status: 204, headers: { ETag: etag(version.versionId) } };
  });
}
