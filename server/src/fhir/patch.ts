/**
 * patch and conditional patch: JSON Patch (RFC 6902) or FHIRPath Patch (a Parameters body), applied to the current
 * version under its row lock, then written through the same validating write path as update. A patch that fails,
 * or that produces an invalid resource, leaves the stored resource untouched.
 */
import type { Binary, Resource } from '@medplum/fhirtypes';
import { badRequest, notFound, preconditionFailed, unsupportedMediaType } from '../errors';
import type { Repository, StoredVersion } from '../store/repository';
import { toVersion } from '../store/repository';
import { sql } from '../store/sql';
import { findConditionalTargets } from './conditional';
import { applyFhirPathPatch } from './patch-fhirpath';
import { isFhirPathPatch, parseFhirPathPatch } from './patch-fhirpath-parse';
import { applyJsonPatch, JSON_PATCH_TYPE } from './patch-json';
import { assertResourceType, assertValidId } from './resource-types';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';
import { checkIfMatch, requireLive } from './versioning';
import { writeUpdate } from './update';

export async function patchResource(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const id = assertValidId(params.id);
  const patch = readPatchDocument(req);
  return ctx.repo.transaction((tx) => patchLocked(tx, ctx, resourceType, id, patch, req.headers.ifMatch));
}

/** `PATCH /Type?criteria`: exactly one match is patched; none is 404, several are 412. */
export async function conditionalPatch(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const patch = readPatchDocument(req);
  return ctx.repo.transaction(async (tx) => {
    const matches = await findConditionalTargets(tx, resourceType, req.query, ctx.searchRowFilter);
    if (matches.length === 0) throw notFound(`Conditional patch: no ${resourceType} matches the criteria`);
    if (matches.length > 1) throw preconditionFailed(`Conditional patch matched ${matches.length} resources; it must match exactly one`);
    return patchLocked(tx, ctx, resourceType, matches[0].id, patch, req.headers.ifMatch);
  });
}

/** A patch document, recognised by its shape and media type, ready to apply to a resource. */
type PatchDocument = (resource: Resource) => Resource;

/**
 * JSON Patch arrives as an array (Content-Type application/json-patch+json) or, inside a Bundle, as a Binary with
 * that content type and base64 data. FHIRPath Patch arrives as a Parameters resource.
 */
export function readPatchDocument(req: FhirRequest): PatchDocument {
  const body = req.body;
  const mediaType = (req.headers.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (Array.isArray(body)) return (resource) => applyJsonPatch(resource, body);
  if (isFhirPathPatch(body)) {
    const operations = parseFhirPathPatch(body);
    return (resource) => applyFhirPathPatch(resource, operations);
  }
  if (isBinary(body)) {
    if ((body.contentType ?? '').split(';')[0].trim().toLowerCase() !== JSON_PATCH_TYPE) {
      throw unsupportedMediaType(`A Binary patch must have contentType ${JSON_PATCH_TYPE}, not ${JSON.stringify(body.contentType ?? null)}`);
    }
    const operations = decodeBinaryPatch(body);
    return (resource) => applyJsonPatch(resource, operations);
  }
  if (mediaType === JSON_PATCH_TYPE) throw badRequest('A JSON Patch document must be a JSON array of operations');
  if (body === undefined || body === null || body === '') throw badRequest('PATCH needs a body: a JSON Patch array or a FHIRPath Patch Parameters resource');
  throw badRequest(`PATCH takes a JSON Patch (${JSON_PATCH_TYPE}) or a FHIRPath Patch (a Parameters resource)`);
}

function isBinary(body: unknown): body is Binary {
  return !!body && typeof body === 'object' && (body as { resourceType?: unknown }).resourceType === 'Binary';
}

function decodeBinaryPatch(binary: Binary): unknown {
  if (!binary.data) throw badRequest('The Binary patch has no data', ['Binary.data']);
  try {
    return JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8'));
  } catch {
    throw badRequest('The Binary patch data is not base64-encoded JSON', ['Binary.data']);
  }
}

/** Must run inside a transaction: the row stays locked from the read to the write, so no update slips between. */
async function patchLocked(
  tx: Repository,
  ctx: FhirContext,
  resourceType: string,
  id: string,
  patch: PatchDocument,
  ifMatch: string | undefined,
): Promise<FhirResponse> {
  const current = requireLive(await lockCurrent(tx, resourceType, id), resourceType, id);
  // A stale version is reported as such even when the patch would also fail against the newer content.
  checkIfMatch(ifMatch, current);
  const patched = patch(current.resource);
  assertIdentityKept(patched, resourceType, id);
  return writeUpdate(tx, ctx, resourceType, id, patched, ifMatch, 'PATCH');
}

async function lockCurrent(tx: Repository, resourceType: string, id: string): Promise<StoredVersion | undefined> {
  const rows = await tx.query<Parameters<typeof toVersion>[0]>(
    sql`SELECT res_id, resource_type, id, version_id, last_updated, deleted, content
        FROM resource WHERE resource_type = ${resourceType} AND id = ${id} FOR UPDATE`,
  );
  return rows[0] && toVersion(rows[0]);
}

function assertIdentityKept(patched: Resource, resourceType: string, id: string): void {
  if (!patched || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('The patch must leave a resource (a JSON object)');
  if (patched.resourceType !== resourceType) {
    throw badRequest(`A patch must not change resourceType (${resourceType} → ${JSON.stringify(patched.resourceType ?? null)})`, [`${resourceType}.resourceType`]);
  }
  if (patched.id !== id) {
    throw badRequest(`A patch must not change or remove the id (${id} → ${JSON.stringify(patched.id ?? null)})`, [`${resourceType}.id`]);
  }
}
