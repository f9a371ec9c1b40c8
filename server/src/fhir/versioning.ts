/** ETags, version-aware headers and the If-Match / If-None-Match / If-Modified-Since preconditions. */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { badRequest, gone, notFound, preconditionFailed } from '../errors';
import type { StoredVersion } from '../store/repository';
import type { FhirContext, FhirResponse } from './types';

export function etag(versionId: number): string {
  return `W/"${versionId}"`;
}

/** Parses `W/"3"`, `"3"` or `3`. */
export function parseEtag(value: string): number {
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  if (!m) throw badRequest(`Invalid ETag: ${value}`);
  return Number(m[1]);
}

/**
 * Under the row lock: the If-Match version must be the current one. A well-formed ETag naming any other version —
 * a versionId is any FHIR id, e.g. W/"outdated-version" — is a 412 (R4 http.html); only a malformed one is a 400.
 */
export function checkIfMatch(ifMatch: string | undefined, current: StoredVersion | undefined): void {
  if (!ifMatch) return;
  const expected = ifMatchVersion(ifMatch);
  if (!current || current.deleted) throw preconditionFailed(`If-Match ${ifMatch}: the resource does not exist`);
  if (expected !== String(current.versionId)) {
    throw preconditionFailed(`Version conflict: If-Match ${ifMatch.trim()} but the current version is ${etag(current.versionId)}`);
  }
}

function ifMatchVersion(value: string): string {
  const m = /^(?:W\/)?"([A-Za-z0-9\-.]{1,64})"$/.exec(value.trim()) ?? /^(\d{1,9})$/.exec(value.trim());
  if (!m) throw badRequest(`Invalid ETag in If-Match: ${value} (expected W/"versionId")`);
  return /^\d+$/.test(m[1]) ? String(Number(m[1])) : m[1];
}

export function requireLive(version: StoredVersion | undefined, resourceType: string, id: string): StoredVersion {
  if (!version) throw notFound(`${resourceType}/${id} not found`);
  if (version.deleted) {
    const err = gone(`${resourceType}/${id} was deleted`);
    Object.assign(err.headers, versionHeaders(version));
    throw err;
  }
  return version;
}

export function versionHeaders(version: StoredVersion): Record<string, string> {
  return { ETag: etag(version.versionId), 'Last-Modified': version.lastUpdated.toUTCString() };
}

/** The response of a read/vread/write of one version, with Location/Content-Location. */
export function versionResponse(status: number, version: StoredVersion, ctx: FhirContext, location = false): FhirResponse {
  const url = `${ctx.baseUrl}/${version.resourceType}/${version.id}/_history/${version.versionId}`;
  const headers: Record<string, string> = { ...versionHeaders(version), 'Content-Location': url };
  if (location) headers.Location = url;
  return { status, body: version.resource, headers };
}

/** Attaches the validation warnings a write was accepted with (only warnings: information issues are noise here). */
export function withWarnings(response: FhirResponse, issues: OperationOutcomeIssue[]): FhirResponse {
  const warnings = issues.filter((i) => i.severity === 'warning');
  return warnings.length > 0 ? { ...response, warnings } : response;
}
