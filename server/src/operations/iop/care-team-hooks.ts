/**
 * The write hooks (fhir/write-hooks.ts) that keep CareTeams current: a written enrolment (an `$enroll`, both
 * episodes of a `$change-level-of-care`, a discharge, any PUT/PATCH) syncs its own team, and a deleted one ends it;
 * a written PractitionerRole (staff joining, changing role or leaving a program) syncs the open teams of every
 * program it names now or named before; a written RelatedPerson syncs the open teams of its patient. Versions no
 * request wrote (relabelling) are left alone.
 */
import type { EpisodeOfCare, PractitionerRole, RelatedPerson, Resource } from '@medplum/fhirtypes';
import type { WriteHook } from '../../fhir/write-hooks';
import type { Repository, StoredVersion } from '../../store/repository';
import { endCareTeamOfDeletedEpisode, OPEN_EPISODE_STATUSES, syncCareTeam } from './care-team-sync';
import { nowOf } from './operation-support';
import { asServer } from './hook-context';
import { searchAll } from './read-resources';

/** This version and the one before it (a change may remove what the earlier version named). */
async function withPrevious<T extends Resource>(tx: Repository, written: StoredVersion): Promise<T[]> {
  const previous = written.versionId > 1 ? await tx.readVersion(written.resourceType, written.id, written.versionId - 1) : undefined;
  return [written.deleted ? undefined : written.resource, previous?.deleted ? undefined : previous?.resource].filter((r): r is T => r !== undefined) as T[];
}

export const careTeamOnEnrollmentHook: WriteHook = {
  name: 'iop-care-team-of-enrollment',
  resourceType: 'EpisodeOfCare',
  async afterWrite(tx, written, request) {
    if (!request) return;
    const ctx = asServer(tx, request);
    if (written.deleted) await endCareTeamOfDeletedEpisode(ctx, written.id, nowOf(ctx));
    else await syncCareTeam(ctx, written.resource as EpisodeOfCare);
  },
};

export const careTeamOnStaffChangeHook: WriteHook = {
  name: 'iop-care-team-of-staff',
  resourceType: 'PractitionerRole',
  async afterWrite(tx, written, request) {
    if (!request) return;
    const ctx = asServer(tx, request);
    const programs = new Set((await withPrevious<PractitionerRole>(tx, written)).flatMap((role) => (role.healthcareService ?? []).map((s) => s.reference ?? '')));
    for (const program of [...programs].filter((p) => p.startsWith('HealthcareService/'))) {
      for (const episode of await searchAll<EpisodeOfCare>(ctx, 'EpisodeOfCare', { program, status: OPEN_EPISODE_STATUSES })) await syncCareTeam(ctx, episode);
    }
  },
};

export const careTeamOnFamilyChangeHook: WriteHook = {
  name: 'iop-care-team-of-family',
  resourceType: 'RelatedPerson',
  async afterWrite(tx, written, request) {
    if (!request) return;
    const ctx = asServer(tx, request);
    const patients = new Set((await withPrevious<RelatedPerson>(tx, written)).map((person) => person.patient?.reference ?? ''));
    for (const patient of [...patients].filter((p) => p.startsWith('Patient/'))) {
      for (const episode of await searchAll<EpisodeOfCare>(ctx, 'EpisodeOfCare', { patient, status: OPEN_EPISODE_STATUSES })) await syncCareTeam(ctx, episode);
    }
  },
};
