/**
 * Levels of care and moving between them. IOP.md §1 (ASAM 2.1 IOP ≥ 9 h/week, 2.5 PHP/HIOP ≥ 20 h/week; MH IOP
 * ≥ 9 h, MH PHP ≥ 20 h, Medicare need thresholds) and §6.2 ("one EpisodeOfCare per level-of-care admission;
 * step-down/step-up = close one episode and open a new one, so certification periods, authorizations and billing
 * line up").
 *
 * The level table is data (DEFAULT_LEVELS_OF_CARE); intensityRank orders levels so a move can be called a
 * step-down or a step-up. Episodes never overlap: the old one ends the day before the new one starts, because a
 * Medicare IOP claim overlapping a PHP claim is returned by the MAC (§2.1 "Overlap edits").
 */
import type { CalendarDate } from './calendar-date';
import { addDays, compareDates } from './calendar-date';

export const ASAM_3_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-3';
export const ASAM_4_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-4';
export const MH_LEVEL_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/mh-level-of-care';

/** Which Medicare benefit's certification and claim rules apply to a level (IOP.md §2.1). */
export type MedicareBenefit = 'iop' | 'php';

export interface CodeRef {
  system: string;
  code: string;
}

export interface LevelOfCareDefinition extends CodeRef {
  display: string;
  /** Higher is more intensive; equal ranks are the same intensity (a move between them is a transfer). */
  intensityRank: number;
  /** Program minimum of attended therapeutic hours per week, where the level defines one. */
  minimumWeeklyHours?: number;
  medicareBenefit?: MedicareBenefit;
  /** Substance-use level (ASAM): per-diem billing uses the SUD code (H0015) rather than the psychiatric one. */
  substanceUse: boolean;
}

export const DEFAULT_LEVELS_OF_CARE: readonly LevelOfCareDefinition[] = [
  { system: MH_LEVEL_SYSTEM, code: 'mh-op', display: 'Mental health outpatient', intensityRank: 10, substanceUse: false },
  { system: MH_LEVEL_SYSTEM, code: 'mh-iop', display: 'Mental health IOP', intensityRank: 21, minimumWeeklyHours: 9, medicareBenefit: 'iop', substanceUse: false },
  { system: MH_LEVEL_SYSTEM, code: 'mh-php', display: 'Mental health PHP', intensityRank: 25, minimumWeeklyHours: 20, medicareBenefit: 'php', substanceUse: false },
  { system: MH_LEVEL_SYSTEM, code: 'mh-inpatient', display: 'Mental health inpatient', intensityRank: 40, substanceUse: false },
  { system: ASAM_3_SYSTEM, code: '0.5', display: 'ASAM 0.5 early intervention', intensityRank: 5, substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '1', display: 'ASAM 1 outpatient', intensityRank: 10, substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '2.1', display: 'ASAM 2.1 IOP', intensityRank: 21, minimumWeeklyHours: 9, medicareBenefit: 'iop', substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '2.5', display: 'ASAM 2.5 PHP', intensityRank: 25, minimumWeeklyHours: 20, medicareBenefit: 'php', substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '3.1', display: 'ASAM 3.1 residential', intensityRank: 31, substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '3.3', display: 'ASAM 3.3 residential', intensityRank: 33, substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '3.5', display: 'ASAM 3.5 residential', intensityRank: 35, substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '3.7', display: 'ASAM 3.7 inpatient', intensityRank: 37, substanceUse: true },
  { system: ASAM_3_SYSTEM, code: '4', display: 'ASAM 4 inpatient', intensityRank: 40, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '1.0', display: 'ASAM 1.0 remission monitoring', intensityRank: 8, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '1.5', display: 'ASAM 1.5 outpatient therapy', intensityRank: 10, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '1.7', display: 'ASAM 1.7 medically managed outpatient', intensityRank: 12, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '2.1', display: 'ASAM 2.1 IOP', intensityRank: 21, minimumWeeklyHours: 9, medicareBenefit: 'iop', substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '2.5', display: 'ASAM 2.5 HIOP', intensityRank: 25, minimumWeeklyHours: 20, medicareBenefit: 'php', substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '2.7', display: 'ASAM 2.7 medically managed IOP', intensityRank: 27, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '3.1', display: 'ASAM 3.1 residential', intensityRank: 31, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '3.5', display: 'ASAM 3.5 residential', intensityRank: 35, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '3.7', display: 'ASAM 3.7 medically managed residential', intensityRank: 37, substanceUse: true },
  { system: ASAM_4_SYSTEM, code: '4', display: 'ASAM 4 inpatient', intensityRank: 40, substanceUse: true },
];

export function findLevelOfCare(
  level: CodeRef,
  levels: readonly LevelOfCareDefinition[] = DEFAULT_LEVELS_OF_CARE,
): LevelOfCareDefinition | undefined {
  return levels.find((l) => l.system === level.system && l.code === level.code);
}

export type EpisodeStatus = 'planned' | 'waitlist' | 'active' | 'onhold' | 'finished' | 'cancelled' | 'entered-in-error';

/** The parts of an enrollment (EpisodeOfCare) the level-of-care rules look at. */
export interface EnrollmentEpisode {
  episodeId: string;
  patientId: string;
  programId?: string;
  levelOfCare: CodeRef;
  status: EpisodeStatus;
  start: CalendarDate;
  end?: CalendarDate;
}

export interface LevelOfCareTransitionRequest {
  current: EnrollmentEpisode;
  target: { levelOfCare: CodeRef; programId?: string };
  /** First day at the new level. */
  effectiveDate: CalendarDate;
  levels?: readonly LevelOfCareDefinition[];
}

export type TransitionDirection = 'step-down' | 'step-up' | 'transfer';

export interface LevelOfCareTransitionPlan {
  ok: true;
  direction: TransitionDirection;
  /** Finish the current episode (discharge-reason code from the DischargeReason CodeSystem). */
  close: { episodeId: string; status: 'finished'; end: CalendarDate; dischargeReason: 'step-down' | 'step-up' | 'transferred' };
  /** Open the next one (admission-type code from the AdmissionType CodeSystem), pointing back to the closed one. */
  open: {
    patientId: string;
    programId?: string;
    levelOfCare: LevelOfCareDefinition;
    status: 'active';
    start: CalendarDate;
    admissionType: 'step-down' | 'step-up' | 'transfer';
    previousEpisodeId: string;
    /** Certification the new level needs from its first day (Medicare IOP/PHP), if any. */
    medicareBenefit?: MedicareBenefit;
  };
  /** The patient's bookings in the old program on or after this date no longer apply. */
  releaseBookingsFrom: CalendarDate;
}

export type LevelOfCareTransitionRefusalReason =
  | 'current-not-active'
  | 'unknown-current-level'
  | 'unknown-target-level'
  | 'same-level-same-program'
  | 'effective-date-not-after-start'
  | 'effective-date-after-end';

export interface LevelOfCareTransitionRefusal {
  ok: false;
  reason: LevelOfCareTransitionRefusalReason;
  message: string;
}

/**
 * What to close and what to open to move a patient to another level of care. A move to a less intensive level is
 * a step-down, to a more intensive one a step-up, to another program at the same intensity a transfer.
 */
export function planLevelOfCareTransition(request: LevelOfCareTransitionRequest): LevelOfCareTransitionPlan | LevelOfCareTransitionRefusal {
  const { current, target, effectiveDate } = request;
  const levels = request.levels ?? DEFAULT_LEVELS_OF_CARE;
  if (current.status !== 'active' && current.status !== 'onhold') {
    return refuse('current-not-active', `Episode ${current.episodeId} is ${current.status}; only an active or on-hold episode can be stepped`);
  }
  const from = findLevelOfCare(current.levelOfCare, levels);
  if (!from) return refuse('unknown-current-level', `Unknown level of care ${current.levelOfCare.system}|${current.levelOfCare.code}`);
  const to = findLevelOfCare(target.levelOfCare, levels);
  if (!to) return refuse('unknown-target-level', `Unknown level of care ${target.levelOfCare.system}|${target.levelOfCare.code}`);
  if (compareDates(effectiveDate, current.start) <= 0) {
    return refuse('effective-date-not-after-start', `The new level must start after ${current.start}, the first day of the current episode`);
  }
  if (current.end !== undefined && compareDates(addDays(effectiveDate, -1), current.end) > 0) {
    return refuse('effective-date-after-end', `The current episode already ends on ${current.end}`);
  }
  const sameProgram = (target.programId ?? current.programId) === current.programId;
  const direction: TransitionDirection =
    to.intensityRank < from.intensityRank ? 'step-down' : to.intensityRank > from.intensityRank ? 'step-up' : 'transfer';
  if (direction === 'transfer' && sameProgram && to.system === from.system && to.code === from.code) {
    return refuse('same-level-same-program', 'The patient is already at this level of care in this program');
  }
  return {
    ok: true,
    direction,
    close: {
      episodeId: current.episodeId,
      status: 'finished',
      end: addDays(effectiveDate, -1),
      dischargeReason: direction === 'transfer' ? 'transferred' : direction,
    },
    open: {
      patientId: current.patientId,
      programId: target.programId,
      levelOfCare: to,
      status: 'active',
      start: effectiveDate,
      admissionType: direction,
      previousEpisodeId: current.episodeId,
      ...(to.medicareBenefit ? { medicareBenefit: to.medicareBenefit } : {}),
    },
    releaseBookingsFrom: effectiveDate,
  };
}

function refuse(reason: LevelOfCareTransitionRefusalReason, message: string): LevelOfCareTransitionRefusal {
  return { ok: false, reason, message };
}
