/**
 * A signed note (and the template answers it was written from) is locked: $sign tags it, and every later update,
 * patch or delete of it is refused. Changes are made as an amendment ($amend), a new note that replaces it and
 * keeps the original. fhir/update.ts and fhir/delete.ts call this under the row lock, so REST requests, Bundle
 * entries and operations are all held to it.
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, issue, outcome } from '../../errors';
import { hasTag, SIGNED_TAG } from './iop-vocabulary';

export function assertNotSigned(current: { resource: Resource; deleted: boolean } | undefined): void {
  if (!current || current.deleted || !hasTag(current.resource, SIGNED_TAG)) return;
  const what = `${current.resource.resourceType}/${current.resource.id}`;
  const how = current.resource.resourceType === 'Composition'
    ? `record a change with POST /Composition/${current.resource.id}/$amend, which keeps the original`
    : 'it belongs to a signed note; amend the note instead';
  throw new FhirError(409, outcome(issue('error', 'lock-error', `${what} is signed and cannot be changed or deleted: ${how}`)));
}
