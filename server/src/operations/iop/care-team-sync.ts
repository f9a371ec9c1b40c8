/**
 * Keeps one CareTeam per enrolment (EpisodeOfCare) current: the patient, the program's staff by role, the care
 * manager and the patient's linked family members (domain/care-team-plan.ts). The CareTeam names its episode with
 * the `enrollment` extension, its patient as `subject` and the program's organisation as `managingOrganization`;
 * it carries the key `care-team|<episode id>`, so it is created once and afterwards only updated when its content
 * changes, and the episode names it in `team`. The participants the server derives carry the `care-team-synced`
 * extension and are the only ones it adds or removes: what people added by hand (participants, notes, a new name)
 * stays. Written as the server (system access) in the caller's transaction.
 */
import type { CareTeam, CareTeamParticipant, EpisodeOfCare, PractitionerRole, RelatedPerson } from '@medplum/fhirtypes';
import { planCareTeam, type CareTeamPlan, type EpisodeStatusCode } from '../../domain/care-team-plan';
import { localDateOf } from '../../domain/time-zone';
import { FhirError } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import { EXT, keyIdentifier } from './iop-vocabulary';
import { loadProgram, type ProgramContext } from './load-program';
import { enrollmentFacts } from './map-enrollment';
import { DEFAULT_PROGRAM_TIME_ZONE } from './operation-support';
import { searchAll } from './read-resources';
import { sameContent } from './score-writes';
import { commitWrites, WriteSet } from './write-transaction';

export const CARE_TEAM_KEY_SYSTEM = 'http://iop-fhir.org/fhir/identifier/care-team';
/** Episode statuses whose team is still open: staff and family changes reach these teams. */
export const OPEN_EPISODE_STATUSES = 'planned,waitlist,active,onhold';

/** Creates or updates the CareTeam of `episode`; an episode that is not a program enrolment has none. */
export async function syncCareTeam(ctx: FhirContext, episode: EpisodeOfCare): Promise<void> {
  const facts = enrollmentFacts(episode);
  if (!facts?.programId) return;
  // An enrolment may be stored before its program (e.g. examples loaded in any order): it gets its team on its next write.
  const program = await loadProgram(ctx, facts.programId).catch((error: unknown) => {
    if (error instanceof FhirError && (error.status === 404 || error.status === 410)) return undefined;
    throw error;
  });
  if (!program) return;
  const roles = await searchAll<PractitionerRole>(ctx, 'PractitionerRole', { service: program.reference });
  const family = await searchAll<RelatedPerson>(ctx, 'RelatedPerson', { patient: `Patient/${facts.patientId}` });
  const plan = planCareTeam(
    {
      episodeId: facts.episodeId, patientId: facts.patientId, status: episode.status as EpisodeStatusCode, start: facts.start, end: facts.end,
      careManager: facts.careManager?.reference, programName: program.service.name,
    },
    roles.flatMap((role) => {
      const practitionerId = /^Practitioner\/(.+)$/.exec(role.practitioner?.reference ?? '')?.[1];
      return practitionerId ? [{ practitionerId, roleText: roleTextOf(role), active: role.active !== false }] : [];
    }),
    family.map((person) => ({ relatedPersonId: person.id!, relationshipText: relationshipTextOf(person), active: person.active !== false })),
  );
  const key = keyIdentifier(CARE_TEAM_KEY_SYSTEM, `care-team|${facts.episodeId}`);
  const built = buildCareTeam(plan, facts.episodeId, facts.patientId, program, key);
  const [existing] = await searchAll<CareTeam>(ctx, 'CareTeam', { identifier: `${key.system}|${key.value}` });
  const writes = new WriteSet();
  let team = existing ? `CareTeam/${existing.id}` : undefined;
  const created = existing ? undefined : writes.create(built, key);
  if (existing) {
    const merged = mergeCareTeam(existing, built);
    if (!sameContent(existing, merged)) writes.update(merged);
  }
  const committed = await commitWrites(ctx, writes);
  team ??= created ? committed.locations.get(created) : undefined;
  if (team) await linkEpisodeToTeam(ctx, episode, team);
}

/**
 * The episode names its team in `team` (next to any team a client listed). This writes a new version of the episode;
 * its own write hook then finds team and link current and writes nothing more.
 */
async function linkEpisodeToTeam(ctx: FhirContext, episode: EpisodeOfCare, team: string): Promise<void> {
  if ((episode.team ?? []).some((t) => t.reference === team)) return;
  const writes = new WriteSet();
  writes.update({ ...episode, team: [...(episode.team ?? []), { reference: team }] });
  await commitWrites(ctx, writes);
}

const isSynced = (participant: CareTeamParticipant) => participant.extension?.some((e) => e.url === EXT.careTeamSynced && e.valueBoolean === true) ?? false;

/**
 * The stored team brought up to date with what the enrolment decides — status, period, subject, organisation, the
 * enrollment link and the derived participants — keeping everything else people wrote. A derived participant whose
 * member someone also added by hand is left to the hand-made entry (removing the marker is how a person takes one
 * over). A team stored before derived participants were marked was entirely derived (each sync rewrote it), so
 * without any marked participant all of its participants count as derived.
 */
function mergeCareTeam(existing: CareTeam, built: CareTeam): CareTeam {
  const participants = existing.participant ?? [];
  const marked = participants.some(isSynced);
  const byPeople = participants.filter((p) => marked && !isSynced(p));
  const peopleMembers = new Set(byPeople.map((p) => p.member?.reference));
  const derived = (built.participant ?? []).filter((p) => !peopleMembers.has(p.member?.reference));
  const { participant: _participant, ...rest } = existing;
  const participant = [...derived, ...byPeople];
  return {
    ...rest,
    extension: [...(built.extension ?? []), ...(existing.extension ?? []).filter((e) => e.url !== EXT.enrollment)],
    status: built.status,
    name: existing.name ?? built.name,
    subject: built.subject,
    period: built.period,
    ...(participant.length ? { participant } : {}),
    ...(built.managingOrganization ? { managingOrganization: built.managingOrganization } : {}),
  };
}

function buildCareTeam(plan: CareTeamPlan, episodeId: string, patientId: string, program: ProgramContext, key: { system?: string; value?: string }): CareTeam {
  return {
    resourceType: 'CareTeam',
    identifier: [key],
    extension: [{ url: EXT.enrollment, valueReference: { reference: `EpisodeOfCare/${episodeId}` } }],
    status: plan.status,
    name: plan.name,
    subject: { reference: `Patient/${patientId}` },
    period: { start: plan.start, ...(plan.end ? { end: plan.end } : {}) },
    participant: plan.members.map((member) => ({
      extension: [{ url: EXT.careTeamSynced, valueBoolean: true }], role: member.roles.map((text) => ({ text })), member: { reference: member.reference },
    })),
    ...(program.organization ? { managingOrganization: [program.organization] } : {}),
  };
}

function roleTextOf(role: PractitionerRole): string | undefined {
  const code = role.code?.[0];
  return code?.text ?? code?.coding?.[0]?.display ?? code?.coding?.[0]?.code;
}

function relationshipTextOf(person: RelatedPerson): string | undefined {
  const relationship = person.relationship?.[0];
  return relationship?.text ?? relationship?.coding?.[0]?.display ?? relationship?.coding?.[0]?.code;
}

/** A deleted enrolment's team ends with it (kept, as the record of who was on it, but no longer active). */
export async function endCareTeamOfDeletedEpisode(ctx: FhirContext, episodeId: string, now: Date): Promise<void> {
  const key = keyIdentifier(CARE_TEAM_KEY_SYSTEM, `care-team|${episodeId}`);
  const [team] = await searchAll<CareTeam>(ctx, 'CareTeam', { identifier: `${key.system}|${key.value}` });
  if (!team || team.status === 'inactive' || team.status === 'entered-in-error') return;
  const writes = new WriteSet();
  // The episode (and with it the program's zone) is gone: the day is the programs' default zone's.
  writes.update({ ...team, status: 'inactive', period: { ...team.period, end: team.period?.end ?? localDateOf(now, DEFAULT_PROGRAM_TIME_ZONE) } });
  await commitWrites(ctx, writes);
}
