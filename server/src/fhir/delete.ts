/**
 * delete and conditional delete. A deletion is a new version in history; later reads answer 410 Gone. Deleting
 * what does not exist succeeds without doing anything (R4 http.html#delete: "if the resource does not exist at all",
 * 200 or 204), so it never fails a transaction.
 */
import { preconditionFailed } from '../errors';
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

/** The answer to deleting a resource that does not exist (or that the caller cannot see: the same answer). */
export function nothingToDelete(): FhirResponse {
  return { status: 204 };
}

async function writeDelete(repo: Repository, resourceType: string, id: string, ifMatch: string | undefined, ctx: FhirContext): Promise<FhirResponse> {
  return repo.transaction(async (tx) => {
    const current = await tx.readCurrent(resourceType, id);
    if (!current) return nothingToDelete();
    if (current.deleted) return { status: 204, headers: { ETag: etag(current.versionId) } };
    const version = await tx.write({ resourceType, id, method: 'DELETE', origin: ctx, check: (locked) => {
      checkIfMatch(ifMatch, locked);
      assertNotSigned(locked); // a signed note is never deleted
    } });
    return { status: 204, headers: { ETag: etag(version.versionId) } };
  });
}
