/**
 * Billing facts a clinician gives in a note template rather than in attendance: the E/M level of a
 * medication-management visit (`visit.em-level`, CPT 99212-99215) and the minutes of psychotherapy within it
 * (`visit.psychotherapy-minutes`, for the 90833/90836/90838 add-on). Read from the note's stored template answers.
 * An E/M visit is a prescriber's (physician, NP, PA) professional service: billed on its own professional claim,
 * never inside the IOP/PHP facility per diem (IOP.md §2.1), so it is marked separately billable.
 */
import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { BillableSession } from '../../domain/billing-types';

function findAnswer(items: QuestionnaireResponseItem[] | undefined, linkId: string): QuestionnaireResponseItem | undefined {
  for (const item of items ?? []) {
    if (item.linkId === linkId) return item;
    const nested = findAnswer(item.item, linkId);
    if (nested) return nested;
  }
  return undefined;
}

export function billingAnswersOf(response: QuestionnaireResponse | undefined): Pick<BillableSession, 'selectedCode' | 'psychotherapyMinutes' | 'separatelyBillableProfessional'> {
  if (!response) return {};
  const selectedCode = findAnswer(response.item, 'visit.em-level')?.answer?.[0]?.valueCoding?.code;
  const psychotherapyMinutes = findAnswer(response.item, 'visit.psychotherapy-minutes')?.answer?.[0]?.valueInteger;
  return { ...(selectedCode ? { selectedCode, separatelyBillableProfessional: true } : {}), ...(psychotherapyMinutes !== undefined ? { psychotherapyMinutes } : {}) };
}
