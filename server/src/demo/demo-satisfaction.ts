/**
 * The demo's discharged patients: each answered the MHSIP satisfaction survey two days after discharge (the one who
 * completed the program satisfied, the one discharged for non-attendance not), and their treatment goals were closed
 * at discharge (achieved / not achieved), so the outcome report's satisfaction and goal-attainment measures have
 * data. See docs/engagement.md "Satisfaction and goal attainment".
 */
import type { Goal, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { FhirContext } from '../fhir/types';
import type { DemoCalendar } from './demo-calendar';
import { postResource, putResource, search } from './demo-operations';
import type { EnrolledDemoPatient } from './demo-sessions';

const IOP = 'http://iop-fhir.org/fhir';
const AGREEMENT = ['strongly-agree', 'agree', 'neutral', 'disagree', 'strongly-disagree'];
/** Answers to items 1-28 (1 strongly agree … 5 strongly disagree; 0: does not apply), satisfied and not. */
const SATISFIED = [1, 1, 2, 2, 1, 2, 2, 2, 0, 1, 1, 2, 2, 1, 2, 1, 2, 2, 1, 2, 2, 2, 2, 3, 2, 0, 3, 2];
const DISSATISFIED = [3, 4, 3, 2, 3, 4, 4, 3, 0, 3, 3, 3, 2, 3, 4, 2, 3, 3, 3, 3, 3, 4, 3, 3, 3, 0, 3, 4];

function surveyResponse(patientId: string, answers: number[], authored: string): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse', questionnaire: `${IOP}/Questionnaire/mhsip-satisfaction`, status: 'completed',
    subject: { reference: `Patient/${patientId}` }, author: { reference: `Patient/${patientId}` }, authored,
    item: answers.map((value, i) => ({
      linkId: `mhsip-${i + 1}`,
      answer: [{ valueCoding: { system: `${IOP}/CodeSystem/patient-experience`, code: value === 0 ? 'not-applicable' : AGREEMENT[value - 1] } }],
    })),
  };
}

export async function recordDemoSatisfaction(ctx: FhirContext, ids: Map<string, string>, patients: EnrolledDemoPatient[], calendar: DemoCalendar, dischargeReasons: ReadonlyMap<number, string>): Promise<void> {
  for (const patient of patients.filter((p) => p.discharged)) {
    const completed = dischargeReasons.get(patient.index) === 'completed';
    await postResource(ctx, 'QuestionnaireResponse', surveyResponse(patient.id, completed ? SATISFIED : DISSATISFIED, calendar.at(calendar.daysAgo(1), '18:40').toISOString()));
    const goalId = ids.get(`${patient.key}-goal`);
    const [goal] = goalId ? await search<Goal>(ctx, 'Goal', { _id: goalId }) : [];
    if (goal) {
      await putResource(ctx, {
        ...goal, lifecycleStatus: completed ? 'completed' : 'cancelled', statusDate: calendar.daysAgo(3),
        achievementStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: completed ? 'achieved' : 'not-achieved' }] },
      });
    }
  }
}
