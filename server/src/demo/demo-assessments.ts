/**
 * The measurement and compliance history of the demo patients, made by the operations: weekly PHQ-9 and
 * (mental-health programs) fortnightly GAD-7 responses scored by $score (most improve, some do not, one endorses
 * PHQ-9 item 9 at the latest check-in), Medicare certifications and recertifications ($record-certification),
 * and treatment-plan reviews ($record-plan-review) for patients in the program long enough.
 */
import type { ParametersParameter, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { FhirContext } from '../fhir/types';
import type { DemoCalendar } from './demo-calendar';
import { callOperation, param, postResource } from './demo-operations';
import type { EnrolledDemoPatient } from './demo-sessions';

const IOP = 'http://iop-fhir.org/fhir';
const FREQUENCY = [
  { system: 'http://loinc.org', code: 'LA6568-5', display: 'Not at all' },
  { system: 'http://loinc.org', code: 'LA6569-3', display: 'Several days' },
  { system: 'http://loinc.org', code: 'LA6570-1', display: 'More than half the days' },
  { system: 'http://loinc.org', code: 'LA6571-9', display: 'Nearly every day' },
];
const PHQ9_ITEMS = ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'];
const GAD7_ITEMS = ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'];
/** The patient (demo index) who endorses PHQ-9 item 9 at the latest check-in: a risk Flag and a same-day Task. */
export const ITEM9_PATIENT = 6;
/** Patients check in before the morning groups (program time), from the admission day on, weekly. */
const CHECK_IN_TIME = '08:30';

/** Item values summing to `total`, spread evenly (each 0–3), item 9 kept at `item9` for PHQ-9. */
function itemValues(count: number, total: number, last?: number): number[] {
  const values = new Array<number>(count).fill(0);
  const spread = last === undefined ? count : count - 1;
  let rest = Math.min(total - (last ?? 0), spread * 3);
  for (let round = 0; rest > 0; round++) for (let i = 0; i < spread && rest > 0; i++) if (values[i] < 3) { values[i]++; rest--; }
  if (last !== undefined) values[count - 1] = last;
  return values;
}

function response(questionnaire: string, patientId: string, items: string[], values: number[], authored: Date): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse', questionnaire, status: 'completed', subject: { reference: `Patient/${patientId}` }, authored: authored.toISOString(),
    item: items.map((linkId, i) => ({ linkId, answer: [{ valueCoding: FREQUENCY[values[i]] }] })),
  };
}

export async function scoreAssessments(ctx: FhirContext, patients: readonly EnrolledDemoPatient[], calendar: DemoCalendar): Promise<number> {
  let scored = 0;
  for (const patient of patients) {
    const improving = patient.index % 5 !== 4;
    const baseline = 13 + (patient.index % 11);
    // Check-ins on the days before today only: today's is not due yet at every hour, so none is written for it.
    const weeks = Math.floor((patient.admittedDaysAgo - 1) / 7);
    for (let w = 0; w <= weeks; w++) {
      const authored = calendar.at(calendar.daysAgo(patient.admittedDaysAgo - w * 7), CHECK_IN_TIME);
      const phq = Math.max(0, improving ? baseline - w * (2 + (patient.index % 3)) : baseline + (w % 2));
      const item9 = patient.index === ITEM9_PATIENT && w === weeks ? 1 : 0;
      await score(ctx, response(`${IOP}/Questionnaire/phq-9`, patient.id, PHQ9_ITEMS, itemValues(9, phq, item9), authored));
      scored++;
      if (patient.program.key !== 'sud-iop' && w % 2 === 0) {
        const gad = Math.max(0, (10 + (patient.index % 8)) - (improving ? w * 2 : 0));
        await score(ctx, response(`${IOP}/Questionnaire/gad-7`, patient.id, GAD7_ITEMS, itemValues(7, gad), authored));
        scored++;
      }
    }
  }
  return scored;
}

async function score(ctx: FhirContext, body: QuestionnaireResponse): Promise<void> {
  await postResource(ctx, 'QuestionnaireResponse/$score', body);
}

/** Certification at admission for Medicare patients in IOP/PHP; PHP recertification by day 18; plan reviews. */
export async function recordCompliance(ctx: FhirContext, patients: readonly EnrolledDemoPatient[], psychiatristId: string, calendar: DemoCalendar): Promise<number> {
  let recorded = 0;
  const day = calendar.daysAgo;
  const certifier: ParametersParameter = param.ref('certifier', `Practitioner/${psychiatristId}`);
  for (const patient of patients) {
    if (patient.discharged || patient.steppedDown) continue;
    const medicare = patient.payer === 'medicare' || patient.payer === 'medicare-advantage';
    if (medicare) {
      await callOperation(ctx, `EpisodeOfCare/${patient.episodeId}/$record-certification`, [param.date('date', day(patient.admittedDaysAgo)), certifier]);
      recorded++;
      if (patient.program.key === 'php' && patient.admittedDaysAgo > 16) {
        await callOperation(ctx, `EpisodeOfCare/${patient.episodeId}/$record-certification`, [param.date('date', day(patient.admittedDaysAgo - 16)), certifier]);
        recorded++;
      }
    }
    if (patient.admittedDaysAgo > 30) {
      await callOperation(ctx, `EpisodeOfCare/${patient.episodeId}/$record-plan-review`, [
        param.date('date', day(patient.admittedDaysAgo - 28)), param.ref('reviewer', `Practitioner/${psychiatristId}`),
        param.string('summary', 'Goals reviewed with the patient; continue at the current level of care.'),
        param.ref('carePlan', `CarePlan/${patient.carePlanId}`),
      ]);
      recorded++;
    }
  }
  return recorded;
}
