/**
 * Satisfaction and goal attainment for a program's outcome report (issue 15 item 4). Pure rules over plain data:
 * MHSIP domain scores (mean of the answered items, scored when at least two thirds are answered; a mean below 2.5 is
 * a positive perception, the MHSIP convention), the share of respondents satisfied, and goals achieved / goals due.
 */
import { ratio, type Ratio } from './attendance-summary';
import { compareDates, type CalendarDate } from './calendar-date';

export type MhsipDomain = 'general-satisfaction' | 'access' | 'quality' | 'outcomes';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
export const MHSIP_DOMAIN_ITEMS: Readonly<Record<MhsipDomain, readonly number[]>> = {
  'general-satisfaction': range(1, 3), access: range(4, 9), quality: range(10, 20), outcomes: range(21, 28),
};
export const POSITIVE_BELOW = 2.5;

/** Domain means from item number → answer (1 strongly agree … 5 strongly disagree; "does not apply" left out). */
export function scoreMhsipDomains(answers: ReadonlyMap<number, number>): Record<MhsipDomain, number | null> {
  const result = {} as Record<MhsipDomain, number | null>;
  for (const [domain, items] of Object.entries(MHSIP_DOMAIN_ITEMS) as [MhsipDomain, readonly number[]][]) {
    const values = items.map((n) => answers.get(n)).filter((v): v is number => v !== undefined && v >= 1 && v <= 5);
    result[domain] = values.length * 3 >= items.length * 2 ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  return result;
}

export interface SatisfactionResponse {
  episodeId: string;
  /** The local date it was answered. */
  authored: CalendarDate;
  answers: ReadonlyMap<number, number>;
}

/**
 * Respondents satisfied: of the episodes with a survey answered in the period (the latest one counts) whose general
 * satisfaction could be scored, those with a positive general satisfaction.
 */
export function computeSatisfactionRate(responses: readonly SatisfactionResponse[], from: CalendarDate, to: CalendarDate): Ratio {
  const latest = new Map<string, SatisfactionResponse>();
  for (const response of responses) {
    if (compareDates(response.authored, from) < 0 || compareDates(response.authored, to) > 0) continue;
    const previous = latest.get(response.episodeId);
    if (!previous || compareDates(previous.authored, response.authored) <= 0) latest.set(response.episodeId, response);
  }
  const scores = [...latest.values()].map((r) => scoreMhsipDomains(r.answers)['general-satisfaction']).filter((s): s is number => s !== null);
  return ratio(scores.filter((s) => s < POSITIVE_BELOW).length, scores.length);
}

export interface GoalFacts {
  /** The earliest target due date. */
  due?: CalendarDate;
  /** The end of the goal's episode when the patient left care (not a step-down or step-up): its open goals fall due. */
  episodeEnd?: CalendarDate;
  achieved: boolean;
}

/** Goals achieved / goals due in the period (due by their target date, or by the end of their episode, if earlier). */
export function computeGoalAttainmentRate(goals: readonly GoalFacts[], from: CalendarDate, to: CalendarDate): Ratio {
  const dueDates = goals.map((g) => {
    const dates = [g.due, g.episodeEnd].filter((d): d is CalendarDate => d !== undefined).sort(compareDates);
    return { goal: g, dueOn: dates[0] };
  });
  const due = dueDates.filter(({ dueOn }) => dueOn !== undefined && compareDates(dueOn, from) >= 0 && compareDates(dueOn, to) <= 0);
  return ratio(due.filter(({ goal }) => goal.achieved).length, due.length);
}
