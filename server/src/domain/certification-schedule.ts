/**
 * Medicare certification / recertification and treatment-plan review due dates.
 *
 * Source: IOP.md §2.1 (table "Certification", "Plan of treatment") and §6.2 ("Server rules: IOP recert due
 * ≤ 60 days; PHP first recert by day 18, then ≤ 30 days"; "Enforce review cadence per payer/Medicare (IOP ≤ every
 * other month)").
 * - IOP: the physician certifies at admission, then recertifies no less often than every other month, applied as
 *   60 days after the last certification [§6.2; the 424.24(d) text itself was not retrieved, §8].
 * - PHP: certification at admission; first recertification by the 18th day (admission day = day 1, so
 *   admission + 17 days); thereafter no more than 30 days after the last one [§2.1 tagged M].
 * - Plan review: IOP no less than every other month (60 days) [V]. PHP "periodically reviewed" only: we use
 *   30 days, the PHP recertification cadence, as the conservative default (PLAN_REVIEW_INTERVAL_DAYS).
 * The rules are data (CertificationRule, PlanReviewRule) so a payer's own cadence can be passed instead.
 */
import type { CalendarDate } from './calendar-date';
import { addDays, compareDates, earlierDate } from './calendar-date';
import type { MedicareBenefit } from './levels-of-care';

export interface CertificationRule {
  /** Day of the episode (admission day = 1) by which the initial certification is due. */
  initialCertificationDay: number;
  /** Day of the episode by which the first recertification is due, when the rule fixes one (PHP: 18). */
  firstRecertificationDay?: number;
  /** Greatest number of days from one certification to the next. */
  recertificationIntervalDays: number;
}

export const MEDICARE_CERTIFICATION_RULES: Readonly<Record<MedicareBenefit, CertificationRule>> = {
  iop: { initialCertificationDay: 1, recertificationIntervalDays: 60 },
  php: { initialCertificationDay: 1, firstRecertificationDay: 18, recertificationIntervalDays: 30 },
};

export interface PlanReviewRule {
  /** Greatest number of days from the plan (or its last review) to the next review. */
  reviewIntervalDays: number;
}

export const PLAN_REVIEW_INTERVAL_DAYS: Readonly<Record<MedicareBenefit, number>> = { iop: 60, php: 30 };

export const MEDICARE_PLAN_REVIEW_RULES: Readonly<Record<MedicareBenefit, PlanReviewRule>> = {
  iop: { reviewIntervalDays: PLAN_REVIEW_INTERVAL_DAYS.iop },
  php: { reviewIntervalDays: PLAN_REVIEW_INTERVAL_DAYS.php },
};

export type ObligationKind = 'certification' | 'recertification' | 'plan-review';

/** Something that must be done by a date for one episode. `key` is deterministic (Task identifier). */
export interface DueObligation {
  key: string;
  kind: ObligationKind;
  episodeId: string;
  dueDate: CalendarDate;
  /** 0 for the initial certification, 1 for the first recertification, …; reviews count from 1. */
  sequence: number;
}

export interface CertificationHistory {
  episodeId: string;
  admissionDate: CalendarDate;
  /** Dates of the signed certifications so far (initial included), any order. */
  signedCertificationDates: readonly CalendarDate[];
  /** Episode end, if finished: nothing falls due after it. */
  endDate?: CalendarDate;
}

/** The next certification or recertification due for an episode, or undefined when the episode has ended first. */
export function nextCertificationDue(history: CertificationHistory, rule: CertificationRule): DueObligation | undefined {
  const signed = [...history.signedCertificationDates].sort(compareDates);
  const sequence = signed.length;
  let dueDate: CalendarDate;
  if (sequence === 0) {
    dueDate = addDays(history.admissionDate, rule.initialCertificationDay - 1);
  } else {
    const fromLast = addDays(signed[signed.length - 1], rule.recertificationIntervalDays);
    dueDate =
      sequence === 1 && rule.firstRecertificationDay !== undefined
        ? earlierDate(addDays(history.admissionDate, rule.firstRecertificationDay - 1), fromLast)
        : fromLast;
  }
  if (history.endDate !== undefined && compareDates(dueDate, history.endDate) > 0) return undefined;
  const kind: ObligationKind = sequence === 0 ? 'certification' : 'recertification';
  return { key: obligationKey(kind, history.episodeId, dueDate), kind, episodeId: history.episodeId, dueDate, sequence };
}

/**
 * Every certification due date from the next one up to `through`, assuming each is signed on its due date (the
 * latest allowed), for showing the calendar of an episode.
 */
export function projectCertificationDueDates(history: CertificationHistory, rule: CertificationRule, through: CalendarDate): DueObligation[] {
  const projected: DueObligation[] = [];
  const signed = [...history.signedCertificationDates];
  for (let guard = 0; guard < 1000; guard++) {
    const next = nextCertificationDue({ ...history, signedCertificationDates: signed }, rule);
    if (!next || compareDates(next.dueDate, through) > 0) break;
    projected.push(next);
    signed.push(next.dueDate);
  }
  return projected;
}

export interface PlanReviewHistory {
  episodeId: string;
  /** When the current treatment plan was established. */
  planStartDate: CalendarDate;
  /** Dates of completed reviews, any order. */
  reviewDates: readonly CalendarDate[];
  endDate?: CalendarDate;
}

/** The next treatment-plan review due for an episode, or undefined when the episode has ended first. */
export function nextPlanReviewDue(history: PlanReviewHistory, rule: PlanReviewRule): DueObligation | undefined {
  const last = [history.planStartDate, ...history.reviewDates].sort(compareDates).at(-1) as CalendarDate;
  const dueDate = addDays(last, rule.reviewIntervalDays);
  if (history.endDate !== undefined && compareDates(dueDate, history.endDate) > 0) return undefined;
  const sequence = history.reviewDates.length + 1;
  return { key: obligationKey('plan-review', history.episodeId, dueDate), kind: 'plan-review', episodeId: history.episodeId, dueDate, sequence };
}

/** Deterministic identifier of an obligation, so re-running never creates a second Task for it. */
export function obligationKey(kind: ObligationKind, episodeId: string, dueDate: CalendarDate): string {
  return `${kind}|${episodeId}|${dueDate}`;
}
