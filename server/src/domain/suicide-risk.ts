/**
 * PHQ-9 item 9 rule. Source: IOP.md §3.2 "Item 9 rule": any answer other than "Not at all" (score ≥ 1 on
 * 44260-8) must trigger a same-day clinician suicide-risk assessment, independent of the total score → Flag +
 * high-priority Task to the care team.
 *
 * Implemented: item 9 ≥ 1 → a clinical Flag (RiskFlagType phq9-item9-positive) and a Task with priority 'asap'
 * due by the end of the local day of `now`. Item 9 left unanswered is not a negative: it yields a Task (priority
 * 'urgent', same day) to ask the question, without a Flag. Item 9 = 0 yields nothing.
 */
import type { Phq9Score } from './score-instrument';
import type { TaskPriority } from './compliance-tasks';
import { endOfLocalDay, localDateOf } from './time-zone';

export const RISK_FLAG_TYPE_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/risk-flag-type';

export interface RiskFlagDescriptor {
  key: string;
  system: string;
  code: 'phq9-item9-positive' | 'message-self-harm-mention';
  category: 'clinical';
  reason: string;
  periodStart: Date;
}

export interface RiskTaskDescriptor {
  key: string;
  code: 'suicide-risk-assessment' | 'complete-phq9-item9';
  priority: TaskPriority;
  /** Exclusive end of the local day of `now`: the Task's restriction.period.end. */
  dueBy: Date;
  description: string;
}

export interface Phq9RiskActions {
  flag?: RiskFlagDescriptor;
  task?: RiskTaskDescriptor;
}

/**
 * The same workflow for a message from a patient (or their proxy) that mentions self-harm (domain/self-harm-language.ts):
 * the clinical Flag and the 'asap' same-day suicide-risk assessment Task, keyed by the message so it is raised once.
 */
export function assessMessageRisk(mention: { term: string; excerpt: string }, sourceKey: string, now: Date, timeZone: string): Required<Phq9RiskActions> {
  return {
    flag: {
      key: `message-self-harm-mention|${sourceKey}`,
      system: RISK_FLAG_TYPE_SYSTEM,
      code: 'message-self-harm-mention',
      category: 'clinical',
      reason: `A message to the care team mentions self-harm ("${mention.term}"): ${mention.excerpt}`,
      periodStart: now,
    },
    task: {
      key: `suicide-risk-assessment|${sourceKey}`,
      code: 'suicide-risk-assessment',
      priority: 'asap',
      dueBy: endOfLocalDay(localDateOf(now, timeZone), timeZone),
      description: 'Same-day suicide-risk assessment by a clinician (a message mentioned self-harm)',
    },
  };
}

/**
 * @param sourceKey deterministic id of what was scored (the QuestionnaireResponse id), so re-scoring the same
 *   response never raises a second Flag or Task
 */
export function assessPhq9Item9Risk(score: Pick<Phq9Score, 'item9' | 'total' | 'itemValues'>, sourceKey: string, now: Date, timeZone: string): Phq9RiskActions {
  const dueBy = endOfLocalDay(localDateOf(now, timeZone), timeZone);
  if (score.item9 === 'positive') {
    const totalText = score.total === undefined ? 'total not scorable' : `total ${score.total}`;
    return {
      flag: {
        key: `phq9-item9-positive|${sourceKey}`,
        system: RISK_FLAG_TYPE_SYSTEM,
        code: 'phq9-item9-positive',
        category: 'clinical',
        reason: `PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above "Not at all" (${totalText})`,
        periodStart: now,
      },
      task: {
        key: `suicide-risk-assessment|${sourceKey}`,
        code: 'suicide-risk-assessment',
        priority: 'asap',
        dueBy,
        description: 'Same-day suicide-risk assessment by a clinician (PHQ-9 item 9 endorsed)',
      },
    };
  }
  if (score.item9 === 'unanswered') {
    return {
      task: {
        key: `complete-phq9-item9|${sourceKey}`,
        code: 'complete-phq9-item9',
        priority: 'urgent',
        dueBy,
        description: 'PHQ-9 item 9 was not answered: ask it today and assess risk',
      },
    };
  }
  return {};
}
