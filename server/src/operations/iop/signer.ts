/** Who signs, certifies or reviews: the named Practitioner parameter, or the signed-in practitioner (fhirUser). */
import { badRequest } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationInput } from '../operation-input';
import { optionalReference } from './read-input';
import { parseLocalReference, type AnyReference } from './read-resources';

export function signerOf(ctx: FhirContext, input: OperationInput, name: string): AnyReference {
  const reference = optionalReference(input, name) ?? (ctx.access?.principal.fhirUser ? { reference: ctx.access.principal.fhirUser } : undefined);
  if (!reference) throw badRequest(`${name} (a Practitioner) is required when the token names no practitioner`);
  const [type] = parseLocalReference(reference, name);
  if (type !== 'Practitioner' && type !== 'PractitionerRole') throw badRequest(`${name} must be a Practitioner or PractitionerRole, not a ${type}`);
  return reference;
}
