/** read and vread, with If-None-Match and If-Modified-Since answered as 304. */
import { notFound } from '../errors';
import type { StoredVersion } from '../store/repository';
import { assertResourceType, assertValidId } from './resource-types';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';
import { etag, parseEtag, requireLive, versionHeaders, versionResponse } from './versioning';

export async function readResource(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const id = assertValidId(params.id);
  const version = requireLive(await ctx.repo.readCurrent(resourceType, id, ctx.readRowFilter?.('r', resourceType)), resourceType, id);
  return notModified(req, version) ?? versionResponse(200, version, ctx);
}

export async function vreadResource(req: FhirRequest, params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const resourceType = assertResourceType(params.resourceType);
  const id = assertValidId(params.id);
  // Versions are positive PostgreSQL integers: `1e10`, `99999999999` or `0x1` name no version (and must not reach SQL).
  const versionId = /^\d{1,9}$/.test(params.versionId ?? '') ? Number(params.versionId) : 0;
  if (versionId < 1) throw notFound(`${resourceType}/${id}/_history/${params.versionId} not found`);
  const version = await ctx.repo.readVersion(resourceType, id, versionId);
  if (!version) throw notFound(`${resourceType}/${id}/_history/${versionId} not found`);
  requireLive(version, resourceType, id);
  return notModified(req, version) ?? versionResponse(200, version, ctx);
}

function notModified(req: FhirRequest, version: StoredVersion): FhirResponse | undefined {
  const { ifNoneMatch, ifModifiedSince } = req.headers;
  if (ifNoneMatch) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim());
    if (tags.includes('*') || tags.some((t) => /\d/.test(t) && parseEtag(t) === version.versionId)) {
      return { status: 304, headers: versionHeaders(version) };
    }
    return undefined;
  }
  if (ifModifiedSince) {
    const since = Date.parse(ifModifiedSince);
    // Last-Modified has second precision, so compare at that precision.
    if (!Number.isNaN(since) && Math.floor(version.lastUpdated.getTime() / 1000) * 1000 <= since) {
      return { status: 304, headers: { ETag: etag(version.versionId), 'Last-Modified': version.lastUpdated.toUTCString() } };
    }
  }
  return undefined;
}
