/**
 * The demo's assigned reading: every patient still in a program has material from the education library assigned by
 * their program's therapist through $assign-education (CBT skills in the morning IOP, DBT skills in the evening IOP,
 * relapse prevention in the SUD IOP, crisis resources and sleep in the PHP), and about a third have read it already
 * (the reading Task completed with the time read). See docs/engagement.md "Education".
 */
import type { Parameters, Task } from '@medplum/fhirtypes';
import { storeEducationLibrary } from '../conformance/education-library';
import type { FhirContext } from '../fhir/types';
import type { DemoCalendar } from './demo-calendar';
import { callOperation, param, putResource, search } from './demo-operations';
import type { EnrolledDemoPatient } from './demo-sessions';

const READING_BY_PROGRAM: Readonly<Record<string, readonly string[]>> = {
  'mh-iop-am': ['cbt-skills'], 'mh-iop-pm': ['dbt-skills'], 'sud-iop': ['relapse-prevention'], php: ['crisis-resources', 'sleep'],
};

/** Returns the number of assignments made. */
export async function assignDemoReading(ctx: FhirContext, ids: Map<string, string>, patients: EnrolledDemoPatient[], calendar: DemoCalendar): Promise<number> {
  await storeEducationLibrary(ctx.repo); // normally already stored at start; unchanged items are not rewritten
  let assigned = 0;
  for (const patient of patients.filter((p) => !p.discharged)) {
    const program = patient.steppedDown ? 'mh-iop-am' : patient.program.key;
    const therapist = ids.get(patient.steppedDown ? 'therapist-1' : patient.program.schedule.facilitator)!;
    for (const topic of READING_BY_PROGRAM[program] ?? []) {
      const result: Parameters = await callOperation(ctx, 'DocumentReference/$assign-education', [
        param.ref('material', `DocumentReference/education-${topic}`), param.ref('patient', `Patient/${patient.id}`),
        param.ref('requester', `Practitioner/${therapist}`), param.string('note', 'Please read this before our next group.'),
      ]);
      const taskReference = result.parameter?.find((p) => p.name === 'task')?.valueReference?.reference;
      if (!taskReference) throw new Error(`demo reading not assigned: ${JSON.stringify(result)}`);
      assigned++;
      if (patient.index % 3 === 0) {
        const [task] = await search<Task>(ctx, 'Task', { _id: taskReference.split('/')[1] });
        const readAt = calendar.at(calendar.daysAgo(1), '20:15').toISOString();
        await putResource(ctx, { ...task, status: 'completed', executionPeriod: { start: readAt, end: readAt } });
      }
    }
  }
  return assigned;
}
