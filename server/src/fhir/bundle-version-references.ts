/**
 * References marked `resolve-as-version-specific` in a transaction (R4 http.html#trules, "Version specific references
 * and updates"): such a reference to a resource the same transaction creates or updates is written as
 * `Type/id/_history/N`, N being the version that entry produces, and the extension is removed (the later
 * http.html text says servers that support it SHALL remove it). The versions are known before any entry runs —
 * 1 for a create, the current version + 1 for an update, the matched version for a conditional create that matches —
 * so an entry that runs before its target (creates run before updates) is still written once; after the entries
 * have run, each prediction is checked against the version actually written.
 */
import { badRequest, conflict } from '../errors';
import type { Repository } from '../store/repository';
import type { FhirRequest, FhirResponse } from './types';
import { parseEtag } from './versioning';

export const RESOLVE_AS_VERSION_SPECIFIC = 'http://hl7.org/fhir/StructureDefinition/resolve-as-version-specific';

/** A version a reference was pinned to: which entry writes it. */
export interface PinnedVersion {
  target: string;
  entry: number;
  versionId: number;
}

interface MarkedReference {
  reference?: unknown;
  extension?: { url?: unknown; valueBoolean?: unknown }[];
}

/**
 * Rewrites the marked references of every entry (bodies already have their urn:uuid fullUrls replaced) and returns
 * the versions they were pinned to. A marked reference to a resource no entry writes by id is refused (the spec
 * allows treating it as an error), naming the entry.
 */
export async function pinVersionSpecificReferences(tx: Repository, requests: FhirRequest[], baseUrl: string): Promise<PinnedVersion[]> {
  const writers = writersById(requests);
  const pinned = new Map<string, PinnedVersion>();
  for (const [index, request] of requests.entries()) {
    const marked = collectMarked(request.body);
    for (const reference of marked) {
      if (!(reference.extension ?? []).some(isMarker)) continue;
      const wanted = reference.extension!.find(isMarker)!.valueBoolean === true;
      reference.extension = reference.extension!.filter((e) => !isMarker(e));
      if (reference.extension.length === 0) delete reference.extension;
      if (!wanted || typeof reference.reference !== 'string' || reference.reference.includes('/_history/')) continue;
      const target = reference.reference.startsWith(`${baseUrl}/`) ? reference.reference.slice(baseUrl.length + 1) : reference.reference;
      const writer = writers.get(target);
      if (writer === undefined) {
        throw badRequest(`Entry ${index}: ${reference.reference} is marked resolve-as-version-specific, but no entry of this transaction creates or updates it`, [`Bundle.entry[${index}].resource`]);
      }
      const version = pinned.get(target) ?? { target, entry: writer, versionId: await versionWritten(tx, requests[writer], target) };
      pinned.set(target, version);
      reference.reference = `${reference.reference}/_history/${version.versionId}`;
    }
  }
  return [...pinned.values()];
}

/** After the entries ran: every pinned version is the one its entry wrote (else a concurrent write got between). */
export function checkPinnedVersions(pinned: PinnedVersion[], responses: FhirResponse[]): void {
  for (const { target, entry, versionId } of pinned) {
    const etag = responses[entry]?.headers?.ETag;
    if (!etag || parseEtag(etag) !== versionId) {
      throw conflict(`${target} changed while the transaction ran, so its version-specific references would be wrong: retry the transaction`);
    }
  }
}

/** `Type/id` → the entry that creates (POST, its id assigned up front) or updates (PUT/PATCH by id) it. */
function writersById(requests: FhirRequest[]): Map<string, number> {
  const writers = new Map<string, number>();
  for (const [index, request] of requests.entries()) {
    if (request.method === 'POST' && request.assignedId && !request.path.includes('/')) writers.set(`${request.path}/${request.assignedId}`, index);
    if ((request.method === 'PUT' || request.method === 'PATCH') && /^[A-Z][A-Za-z]+\/[^/]+$/.test(request.path)) writers.set(request.path, index);
  }
  return writers;
}

async function versionWritten(tx: Repository, writer: FhirRequest, target: string): Promise<number> {
  const [type, id] = target.split('/');
  const current = await tx.readCurrent(type, id);
  // A conditional create that matches writes nothing: it answers with the version it found.
  if (writer.method === 'POST') return current && !current.deleted ? current.versionId : 1;
  return (current?.versionId ?? 0) + 1;
}

function isMarker(extension: { url?: unknown }): boolean {
  return extension?.url === RESOLVE_AS_VERSION_SPECIFIC;
}

function collectMarked(value: unknown, found: MarkedReference[] = []): MarkedReference[] {
  if (Array.isArray(value)) value.forEach((v) => collectMarked(v, found));
  else if (value && typeof value === 'object') {
    const object = value as MarkedReference & Record<string, unknown>;
    if (Array.isArray(object.extension) && 'reference' in object) found.push(object);
    for (const child of Object.values(object)) collectMarked(child, found);
  }
  return found;
}
