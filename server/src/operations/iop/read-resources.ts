/**
 * Reads for the IOP operations, through the same route table as any client (dispatch), so the caller's access
 * policy applies to everything an operation looks at, not only to its target.
 */
import type { Bundle, Reference, Resource } from '@medplum/fhirtypes';
import { badRequest } from '../../errors';
import { dispatch } from '../../fhir/router';
import type { FhirContext } from '../../fhir/types';

const PAGE_SIZE = '1000';

/** A reference whose target type is checked at run time (parseLocalReference), so any typed field accepts it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyReference = Reference<any>;

export async function readResource<T extends Resource>(ctx: FhirContext, resourceType: T['resourceType'], id: string): Promise<T> {
  const response = await dispatch({ method: 'GET', path: `${resourceType}/${encodeURIComponent(id)}`, query: {}, headers: {} }, ctx);
  return response.body as T;
}

/** `Type/id` (relative, or absolute on our base) → [type, id]; anything else is a 400 naming the parameter. */
export function parseLocalReference(reference: Reference | string | undefined, what: string, expectedType?: string): [string, string] {
  const text = typeof reference === 'string' ? reference : reference?.reference;
  const m = text ? /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(text) : null;
  if (!m) throw badRequest(`${what} must be a reference such as ${expectedType ?? 'Type'}/id`);
  if (expectedType && m[1] !== expectedType) throw badRequest(`${what} must reference a ${expectedType}, not ${m[1]}`);
  return [m[1], m[2]];
}

export async function readReference<T extends Resource>(ctx: FhirContext, reference: Reference | string | undefined, what: string, expectedType: T['resourceType']): Promise<T> {
  const [, id] = parseLocalReference(reference, what, expectedType);
  return readResource<T>(ctx, expectedType, id);
}

/** Every match of a search, following the pages; included resources are left out. */
export async function searchAll<T extends Resource>(ctx: FhirContext, resourceType: T['resourceType'], criteria: Record<string, string | string[]>): Promise<T[]> {
  const query: Record<string, string[]> = { _count: [PAGE_SIZE] };
  for (const [key, value] of Object.entries(criteria)) query[key] = Array.isArray(value) ? value : [value];
  const found: T[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const response = await dispatch({ method: 'GET', path: resourceType, query, headers: { prefer: 'handling=strict' } }, ctx);
    const bundle = response.body as Bundle;
    for (const entry of bundle.entry ?? []) {
      if (entry.search?.mode === 'match' && entry.resource) found.push(entry.resource as T);
    }
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    const cursor = next ? new URL(next).searchParams.get('_cursor') : null;
    if (!cursor) break;
    query._cursor = [cursor];
  }
  return found;
}

export function referenceTo(resource: Resource): Reference {
  return { reference: `${resource.resourceType}/${resource.id}` };
}

/** The id of a local `Type/id` reference, or undefined. */
export function idOf(reference: Reference | undefined, resourceType: string): string | undefined {
  const m = reference?.reference ? /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference.reference) : null;
  return m && m[1] === resourceType ? m[2] : undefined;
}
