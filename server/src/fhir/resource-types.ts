/** Guards on the resource type and id named in a URL or body. */
import { isResourceType } from '@medplum/core';
import { badRequest, notFound } from '../errors';

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

export function assertResourceType(resourceType: string | undefined): string {
  if (!resourceType || resourceType === 'Resource' || resourceType === 'DomainResource' || !isResourceType(resourceType)) {
    throw notFound(`Unknown resource type: ${resourceType ?? '(none)'}`);
  }
  return resourceType;
}

export function assertValidId(id: string | undefined): string {
  if (!id || !ID_RE.test(id)) throw badRequest(`Invalid resource id: ${JSON.stringify(id ?? '')}`);
  return id;
}
