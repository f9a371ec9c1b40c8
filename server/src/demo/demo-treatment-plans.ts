/**
 * Each demo patient's individualized treatment plan (IOP Treatment Plan profile): the admission diagnosis it
 * addresses, the treatment Goal, the program's services as activities, the primary therapist as author and the
 * first review due 30 days after admission ($record-plan-review moves it on).
 */
import type { CarePlan, CarePlanActivity } from '@medplum/fhirtypes';
import { addDays, type CalendarDate } from '../domain/calendar-date';
import type { FhirContext } from '../fhir/types';
import type { DemoPatient } from './demo-bundle';
import { postResource } from './demo-operations';

const IOP = 'http://iop-fhir.org/fhir';
const REVIEW_DAYS = 30;

export async function createTreatmentPlan(
  ctx: FhirContext, ids: Map<string, string>, demo: DemoPatient, episodeId: string, admitted: CalendarDate, discharged: boolean,
): Promise<string> {
  const plan: CarePlan = {
    resourceType: 'CarePlan',
    meta: { profile: [`${IOP}/StructureDefinition/iop-treatment-plan`] },
    extension: [
      { url: `${IOP}/StructureDefinition/next-review-date`, valueDate: addDays(admitted, REVIEW_DAYS) },
      { url: `${IOP}/StructureDefinition/enrollment`, valueReference: { reference: `EpisodeOfCare/${episodeId}` } },
      { url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${ids.get(`program-${demo.program.key}`)}` } },
    ],
    status: discharged ? 'completed' : 'active',
    intent: 'plan',
    category: [{ coding: [{ system: `${IOP}/CodeSystem/care-plan-category`, code: 'treatment-plan', display: 'IOP/PHP individualized treatment plan' }] }],
    title: `${demo.program.name} individualized treatment plan`,
    subject: { reference: `Patient/${ids.get(demo.key)}` },
    period: { start: admitted },
    author: { reference: `Practitioner/${ids.get(demo.program.schedule.facilitator)}` },
    addresses: [{ reference: `Condition/${ids.get(`${demo.key}-diagnosis`)}` }],
    goal: [{ reference: `Goal/${ids.get(`${demo.key}-goal`)}` }],
    activity: activities(demo),
  };
  return (await postResource<CarePlan>(ctx, 'CarePlan', plan)).id!;
}

function activities(demo: DemoPatient): CarePlanActivity[] {
  const { days, topic } = demo.program.schedule;
  const activity = (code: string, display: string, description: string): CarePlanActivity => ({
    detail: { kind: 'Appointment', code: { coding: [{ system: `${IOP}/CodeSystem/session-type`, code, display }] }, status: 'in-progress', description },
  });
  return [
    activity('group-psychotherapy', 'Group psychotherapy', `Group psychotherapy (${topic.split(':')[0]}), ${days.length} days a week`),
    activity('individual-psychotherapy', 'Individual psychotherapy', 'Individual psychotherapy weekly'),
    demo.program.key === 'sud-iop'
      ? activity('psychoeducation', 'Psychoeducation', 'Relapse-prevention education and recovery planning')
      : activity('medication-management', 'Medication management', 'Medication management every 2 weeks'),
  ];
}
