/** EpisodeOfCare (IOP Enrollment profile) ↔ the domain's plain enrollment data. */
import type { Coding, EpisodeOfCare, Reference } from '@medplum/fhirtypes';
import type { EnrollmentEpisode, EpisodeStatus } from '../../domain/levels-of-care';
import { findLevelOfCare } from '../../domain/levels-of-care';
import type { RosterEnrollment } from '../../domain/session-roster';
import { CS, EXT, findExtension, PROFILE } from './iop-vocabulary';
import type { ProgramContext } from './load-program';
import { idOf, type AnyReference } from './read-resources';

export interface EnrollmentFacts extends RosterEnrollment {
  levelCoding?: Coding;
  dischargeReason?: string;
  careManager?: AnyReference;
}

/** The domain view of an enrollment; undefined when it lacks a patient or a start date. */
export function enrollmentFacts(episode: EpisodeOfCare): EnrollmentFacts | undefined {
  const patientId = idOf(episode.patient, 'Patient');
  const start = episode.period?.start?.slice(0, 10);
  if (!patientId || !start) return undefined;
  const levelCoding = levelCodingOf(episode);
  return {
    patientId,
    episodeId: episode.id!,
    programId: idOf(findExtension(episode, EXT.program)?.valueReference, 'HealthcareService'),
    levelOfCare: { system: levelCoding?.system ?? '', code: levelCoding?.code ?? '' },
    levelCoding,
    status: episode.status as EpisodeStatus,
    start,
    end: episode.period?.end?.slice(0, 10),
    dischargeReason: findExtension(episode, EXT.dischargeReason)?.valueCodeableConcept?.coding?.find((c) => c.system === CS.dischargeReason)?.code,
    careManager: episode.careManager,
  };
}

export function toEnrollmentEpisode(facts: EnrollmentFacts): EnrollmentEpisode {
  return { episodeId: facts.episodeId, patientId: facts.patientId, programId: facts.programId, levelOfCare: facts.levelOfCare, status: facts.status, start: facts.start, end: facts.end };
}

function levelCodingOf(episode: EpisodeOfCare): Coding | undefined {
  const codings = findExtension(episode, EXT.levelOfCare)?.valueCodeableConcept?.coding ?? [];
  return codings.find((c) => c.system && c.code && findLevelOfCare({ system: c.system, code: c.code })) ?? codings[0];
}

export interface NewEnrollment {
  patient: AnyReference;
  program: ProgramContext;
  levelCoding: Coding;
  start: string;
  admissionType: string;
  previousEpisode?: Reference;
  careManager?: AnyReference;
  status?: 'active' | 'planned';
}

export function buildEnrollment(input: NewEnrollment): EpisodeOfCare {
  const programType = input.program.service.type?.[0];
  return {
    resourceType: 'EpisodeOfCare',
    meta: { profile: [PROFILE.enrollment] },
    extension: [
      { url: EXT.program, valueReference: { reference: input.program.reference, display: input.program.service.name } },
      { url: EXT.levelOfCare, valueCodeableConcept: { coding: [input.levelCoding] } },
      { url: EXT.admissionType, valueCodeableConcept: { coding: [{ system: CS.admissionType, code: input.admissionType }] } },
      ...(input.previousEpisode ? [{ url: EXT.previousEpisode, valueReference: input.previousEpisode }] : []),
    ],
    status: input.status ?? 'active',
    ...(programType ? { type: [programType] } : {}),
    patient: input.patient,
    ...(input.program.organization ? { managingOrganization: input.program.organization } : {}),
    period: { start: input.start },
    ...(input.careManager ? { careManager: input.careManager } : {}),
  };
}

/** The episode finished on `end` for `reason` (DischargeReason code). */
export function finishEnrollment(episode: EpisodeOfCare, end: string, reason: string): EpisodeOfCare {
  return {
    ...episode,
    status: 'finished',
    period: { ...episode.period, end },
    extension: [
      ...(episode.extension ?? []).filter((e) => e.url !== EXT.dischargeReason),
      { url: EXT.dischargeReason, valueCodeableConcept: { coding: [{ system: CS.dischargeReason, code: reason }] } },
    ],
  };
}
