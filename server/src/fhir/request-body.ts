/** Checks on the resource in a request body. */
import type { Resource } from '@medplum/fhirtypes';
import { badRequest } from '../errors';

export function requireResourceBody(body: unknown, resourceType: string): Resource {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a FHIR resource (JSON object)');
  const resource = body as Resource;
  if (resource.resourceType !== resourceType) {
    throw badRequest(`Body resourceType ${JSON.stringify(resource.resourceType ?? null)} does not match the URL type ${resourceType}`);
  }
  return resource;
}
