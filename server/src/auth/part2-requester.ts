/**
 * Who is asking for 42 CFR Part 2 information, and why (docs/part2.md): the requester facts the access filter
 * matches against consents, program staff lists and emergency accesses. Administrators see everything (audited as
 * such); a patient their own record; a practitioner the patients of the Part 2 programs they are staff of, for
 * treatment, and others by consent or break-glass; a related person by consent, for a family request; a backend
 * client by consent to the organisation it is registered for, for the purpose its token was issued for.
 */
import { NO_PART2_ACCESS as NOTHING, type Part2Access, type UserReach } from './access-policy';

export interface Part2Requester {
  admin: boolean;
  /** A backend service (no user). */
  backend: boolean;
  fhirUser?: string;
  userReach?: UserReach;
  clientOrganization?: string;
  purpose?: string;
}

/** Purposes a user's requests are made for, by the kind of user. */
const USER_PURPOSES: Record<string, string[]> = {
  Practitioner: ['TREAT'],
  RelatedPerson: ['FAMRQT', 'PWATRNY'],
  Patient: ['PATRQT'],
};

export function part2AccessOf(requester: Part2Requester): Part2Access {
  if (requester.admin || requester.userReach?.kind === 'admin') return { kind: 'unrestricted' };
  if (requester.backend) {
    const recipients = requester.clientOrganization ? [requester.clientOrganization] : [];
    return { ...NOTHING, recipients, purposes: requester.purpose ? [requester.purpose] : [] };
  }
  const [type, id] = (requester.fhirUser ?? '').split('/');
  if (!type || !id) return NOTHING;
  const purposes = USER_PURPOSES[type] ?? [];
  const reach = requester.userReach;
  if (type === 'Patient') return { ...NOTHING, ownPatients: [id], recipients: [requester.fhirUser!], purposes };
  if (type === 'Practitioner' && reach?.kind === 'practitioner') {
    return {
      kind: 'restricted',
      ownPatients: [],
      programIds: reach.part2ProgramIds ?? [],
      recipients: [
        requester.fhirUser!, ...reach.roleIds.map((r) => `PractitionerRole/${r}`),
        ...(reach.roleOrganizationIds ?? []).map((o) => `Organization/${o}`),
      ],
      purposes,
      emergencyUser: requester.fhirUser,
    };
  }
  return { ...NOTHING, recipients: [requester.fhirUser!], purposes };
}
