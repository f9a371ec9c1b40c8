/**
 * Who is on a patient's care team for one enrolment (EpisodeOfCare), as plain data: the patient, the staff of the
 * program (one entry per practitioner, with the roles they hold there), the episode's care manager, and the family
 * members the patient has linked as RelatedPerson (the link that also gives them proxy access). The team's status
 * and period follow the episode: it ends when the episode does.
 */

export type EpisodeStatusCode = 'planned' | 'waitlist' | 'active' | 'onhold' | 'finished' | 'cancelled' | 'entered-in-error';
export type CareTeamStatusCode = 'proposed' | 'active' | 'suspended' | 'inactive' | 'entered-in-error';

export interface CareTeamEpisode {
  episodeId: string;
  patientId: string;
  status: EpisodeStatusCode;
  start: string;
  end?: string;
  careManager?: string;
  programName?: string;
}

export interface ProgramStaffRole {
  practitionerId: string;
  /** What the role says the person does (PractitionerRole.code text or display), e.g. "Psychiatrist". */
  roleText?: string;
  active: boolean;
}

export interface FamilyLink {
  relatedPersonId: string;
  relationshipText?: string;
  active: boolean;
}

export interface CareTeamMember {
  /** `Patient/…`, `Practitioner/…` or `RelatedPerson/…`. */
  reference: string;
  roles: string[];
}

export interface CareTeamPlan {
  status: CareTeamStatusCode;
  start: string;
  end?: string;
  name: string;
  members: CareTeamMember[];
}

const STATUS: Readonly<Record<EpisodeStatusCode, CareTeamStatusCode>> = {
  planned: 'proposed', waitlist: 'proposed', active: 'active', onhold: 'suspended', finished: 'inactive', cancelled: 'inactive',
  'entered-in-error': 'entered-in-error',
};

export const PATIENT_ROLE = 'Patient';
export const CARE_MANAGER_ROLE = 'Care manager';
export const FAMILY_ROLE = 'Family member';

export function planCareTeam(episode: CareTeamEpisode, staff: ProgramStaffRole[], family: FamilyLink[]): CareTeamPlan {
  const members: CareTeamMember[] = [{ reference: `Patient/${episode.patientId}`, roles: [PATIENT_ROLE] }];
  const add = (reference: string, role: string) => {
    const member = members.find((m) => m.reference === reference);
    if (!member) members.push({ reference, roles: [role] });
    else if (!member.roles.includes(role)) member.roles.push(role);
  };
  if (episode.careManager) add(episode.careManager, CARE_MANAGER_ROLE);
  for (const role of staff.filter((s) => s.active).sort((a, b) => a.practitionerId.localeCompare(b.practitionerId))) {
    add(`Practitioner/${role.practitionerId}`, role.roleText ?? 'Program staff');
  }
  for (const person of family.filter((f) => f.active).sort((a, b) => a.relatedPersonId.localeCompare(b.relatedPersonId))) {
    add(`RelatedPerson/${person.relatedPersonId}`, person.relationshipText ? `${FAMILY_ROLE} (${person.relationshipText})` : FAMILY_ROLE);
  }
  const ended = episode.status === 'finished' || episode.status === 'cancelled';
  return {
    status: STATUS[episode.status] ?? 'inactive',
    start: episode.start,
    ...(ended && episode.end ? { end: episode.end } : {}),
    name: episode.programName ? `${episode.programName} care team` : 'Program care team',
    members,
  };
}

