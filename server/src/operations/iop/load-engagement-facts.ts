/**
 * The facts the satisfaction and goal-attainment measures need (domain/engagement-measures.ts), per episode of a
 * program: the MHSIP surveys its patients answered during the episode or within 30 days after it, and the Goals
 * started during it. Two searches, whatever the number of patients.
 */
import type { Goal, QuestionnaireResponse } from '@medplum/fhirtypes';
import { addDays, compareDates, type CalendarDate } from '../../domain/calendar-date';
import type { GoalFacts, SatisfactionResponse } from '../../domain/engagement-measures';
import { localDateOf } from '../../domain/time-zone';
import type { FhirContext } from '../../fhir/types';
import type { EnrollmentFacts } from './map-enrollment';
import { idOf, searchAll } from './read-resources';

export const MHSIP_QUESTIONNAIRE = 'http://iop-fhir.org/fhir/Questionnaire/mhsip-satisfaction';
const AGREEMENT: Readonly<Record<string, number>> = { 'strongly-agree': 1, agree: 2, neutral: 3, disagree: 4, 'strongly-disagree': 5 };
const SURVEY_GRACE_DAYS = 30;
const LEVEL_CHANGES = new Set(['step-down', 'step-up']);

export interface EpisodeGoalFacts extends GoalFacts { episodeId: string }

export async function loadEngagementFacts(ctx: FhirContext, enrollments: readonly EnrollmentFacts[], timeZone: string): Promise<{ surveys: SatisfactionResponse[]; goals: EpisodeGoalFacts[] }> {
  const patients = [...new Set(enrollments.map((e) => `Patient/${e.patientId}`))];
  if (patients.length === 0) return { surveys: [], goals: [] };
  const [responses, goals] = await Promise.all([
    searchAll<QuestionnaireResponse>(ctx, 'QuestionnaireResponse', { patient: patients.join(','), status: 'completed,amended' }),
    searchAll<Goal>(ctx, 'Goal', { patient: patients.join(',') }),
  ]);
  const episodeOf = (patientId: string | undefined, date: CalendarDate, graceDays: number) => enrollments.find((e) => e.patientId === patientId
    && compareDates(date, e.start) >= 0 && (e.end === undefined || compareDates(date, addDays(e.end, graceDays)) <= 0));
  const surveys: SatisfactionResponse[] = [];
  for (const response of responses.filter((r) => r.questionnaire === MHSIP_QUESTIONNAIRE && r.authored)) {
    const authored = localDateOf(new Date(response.authored!), timeZone);
    const episode = episodeOf(idOf(response.subject, 'Patient'), authored, SURVEY_GRACE_DAYS);
    if (episode) surveys.push({ episodeId: episode.episodeId, authored, answers: agreementAnswersOf(response) });
  }
  const goalFacts: EpisodeGoalFacts[] = [];
  for (const goal of goals.filter((g) => g.lifecycleStatus !== 'entered-in-error' && g.lifecycleStatus !== 'rejected')) {
    const started = goal.startDate ?? goal.statusDate;
    const episode = started ? episodeOf(idOf(goal.subject, 'Patient'), started.slice(0, 10), 0) : undefined;
    if (!episode) continue;
    const due = (goal.target ?? []).map((t) => t.dueDate).filter((d): d is string => !!d).sort(compareDates)[0];
    const achieved = (goal.achievementStatus?.coding ?? []).some((c) => c.code === 'achieved' || c.code === 'sustaining');
    // A step-down or step-up carries the open goals into the next level of care: only leaving care makes them due.
    const leftCare = episode.end !== undefined && !LEVEL_CHANGES.has(episode.dischargeReason ?? '');
    goalFacts.push({ episodeId: episode.episodeId, ...(due ? { due } : {}), ...(leftCare ? { episodeEnd: episode.end } : {}), achieved });
  }
  return { surveys, goals: goalFacts };
}

/** Item number → 1 (strongly agree) … 5 (strongly disagree); "does not apply" and unanswered items are left out. */
function agreementAnswersOf(response: QuestionnaireResponse): Map<number, number> {
  const answers = new Map<number, number>();
  for (const item of response.item ?? []) {
    const number = /^mhsip-(\d+)$/.exec(item.linkId ?? '')?.[1];
    const value = AGREEMENT[item.answer?.[0]?.valueCoding?.code ?? ''];
    if (number && value !== undefined) answers.set(Number(number), value);
  }
  return answers;
}
