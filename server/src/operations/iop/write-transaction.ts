/**
 * Everything an IOP operation writes goes into one WriteSet and is committed as ONE transaction Bundle through
 * the same route table as any client's (validation, scopes, audit per entry): a failure anywhere rolls back all
 * of it. Creates carry their domain key as an identifier and are conditional on it, so re-running an operation
 * finds what an earlier run created instead of duplicating it.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Identifier, Resource } from '@medplum/fhirtypes';
import { dispatch } from '../../fhir/router';
import type { FhirContext } from '../../fhir/types';
import { identifierCriteria } from './iop-vocabulary';

export class WriteSet {
  readonly entries: BundleEntry[] = [];

  /** Creates `resource`; with an identifier, only when no resource has it yet. Returns the urn to reference it. */
  create(resource: Resource, identifier?: Identifier): string {
    const fullUrl = `urn:uuid:${randomUUID()}`;
    const withIdentifier = identifier ? addIdentifier(resource, identifier) : resource;
    this.entries.push({
      fullUrl,
      resource: withIdentifier,
      request: { method: 'POST', url: resource.resourceType, ...(identifier ? { ifNoneExist: identifierCriteria(identifier) } : {}) },
    });
    return fullUrl;
  }

  /** Writes a new version of a stored resource, only if it is still the version that was read. */
  update(resource: Resource): void {
    const versionId = resource.meta?.versionId;
    this.entries.push({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}`, ...(versionId ? { ifMatch: `W/"${versionId}"` } : {}) },
    });
  }

  get size(): number {
    return this.entries.length;
  }
}

export interface CommittedWrites {
  /** The written (or, for a conditional create that matched, the existing) resource of each entry, in order. */
  resources: Resource[];
  /** Entry fullUrl (urn) → `Type/id`. */
  locations: Map<string, string>;
  /** Creates that found their resource already there. */
  existing: number;
}

/** Commits the WriteSet as one transaction (inside the caller's transaction when there is one). */
export async function commitWrites(ctx: FhirContext, writes: WriteSet): Promise<CommittedWrites> {
  if (writes.size === 0) return { resources: [], locations: new Map(), existing: 0 };
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: writes.entries };
  const response = await dispatch({ method: 'POST', path: '', query: {}, body: bundle, headers: {} }, ctx);
  const entries = (response.body as Bundle).entry ?? [];
  const locations = new Map<string, string>();
  let existing = 0;
  const resources = entries.map((entry, index) => {
    const resource = entry.resource as Resource;
    const request = writes.entries[index];
    if (request.fullUrl) locations.set(request.fullUrl, `${resource.resourceType}/${resource.id}`);
    if (request.request?.method === 'POST' && entry.response?.status?.startsWith('200')) existing++;
    return resource;
  });
  return { resources, locations, existing };
}

/** Types whose `identifier` is a single Identifier, not a list. */
const SINGLE_IDENTIFIER = new Set(['Composition', 'QuestionnaireResponse', 'Bundle']);

function addIdentifier<T extends Resource>(resource: T, identifier: Identifier): T {
  if (SINGLE_IDENTIFIER.has(resource.resourceType)) return { ...resource, identifier };
  const current = ((resource as { identifier?: Identifier[] }).identifier ?? []).filter((i) => i.system !== identifier.system);
  return { ...resource, identifier: [identifier, ...current] };
}
