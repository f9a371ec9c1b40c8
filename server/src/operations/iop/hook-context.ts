/** The context an IOP write hook acts in: the writing request's, inside the write's transaction, as the server. */
import { systemAccess } from '../../auth/access-context';
import type { FhirContext } from '../../fhir/types';
import type { Repository } from '../../store/repository';

/**
 * Derived records (care teams, risk flags and tasks) are written with system access, not the writer's scopes: a
 * patient allowed to send a message must still raise the risk Flag and Task for the care team.
 */
export function asServer(tx: Repository, request: FhirContext): FhirContext {
  return { ...request, repo: tx, access: systemAccess(request.access?.audit), searchRowFilter: undefined, historyRowFilter: undefined, readRowFilter: undefined };
}

/** The request's own access, inside the write's transaction: what the writer may see. */
export function asWriter(tx: Repository, request: FhirContext): FhirContext {
  return { ...request, repo: tx };
}

/** The signed-in person who wrote (Patient/…, RelatedPerson/… or Practitioner/…), if a person did. */
export function writingPerson(request: FhirContext): string | undefined {
  const fhirUser = request.access?.principal.fhirUser;
  return fhirUser && /^(Patient|RelatedPerson|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/.test(fhirUser) ? fhirUser : undefined;
}
