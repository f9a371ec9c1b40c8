/**
 * Demo message threads (issue 15): every patient still in treatment has a conversation they started with their
 * care team and the care manager's answer; every third one also a check-in the care manager started, answered by
 * the patient; one morning-IOP patient wrote a message mentioning self-harm, which the server escalates like a
 * PHQ-9 item 9 (risk Flag and same-day Task). Older messages carry their recipients' read receipts; the newest are
 * unread, so the inbox and the portal have something to show. Written through the REST handlers, so the server's
 * messaging rules apply to them as to anyone's. Dated back from `now`.
 */
import type { CareTeam, Communication, Extension } from '@medplum/fhirtypes';
import type { FhirContext } from '../fhir/types';
import { dice, postResource, ref, search } from './demo-operations';
import type { EnrolledDemoPatient } from './demo-sessions';

const READ_RECEIPT = 'http://iop-fhir.org/fhir/StructureDefinition/read-receipt';
/** The demo patient (index) whose message raises the self-harm escalation: in Maya's morning IOP group. */
const ESCALATED_PATIENT = 8;

const TOPICS: readonly [topic: string, question: string, answer: string][] = [
  ['Missing Wednesday', 'I have a doctor\'s appointment on Wednesday morning. Can I make up the group another day?', 'Thanks for telling us ahead. Come to the evening group that week; I have let them know.'],
  ['Sleep', 'The new routine helps a bit but I still wake up at 4 most nights. Is that normal?', 'It often takes two to three weeks. Keep the sleep diary and bring it on Monday; we will look at it together.'],
  ['Homework', 'I lost the thought record worksheet from Friday. Could you send it again?', 'Of course: I will bring a new copy to group on Monday, and you can fill it in there.'],
  ['Medication side effects', 'Since the dose change I feel a bit dizzy in the morning.', 'Thank you for writing. Dr. Mehta will see you before group tomorrow; take it with breakfast until then.'],
  ['Transportation', 'My ride fell through for Thursday. Is there any help with transport?', 'Yes: our front desk can book the county ride service. I have asked them to call you today.'],
];

export async function createDemoMessages(ctx: FhirContext, patients: EnrolledDemoPatient[], psychiatristId: string, now: Date): Promise<number> {
  let written = 0;
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
  for (const patient of patients.filter((p) => !p.discharged)) {
    const [team] = await search<CareTeam>(ctx, 'CareTeam', { subject: `Patient/${patient.id}`, status: 'active' });
    const careManager = team?.participant?.find((p) => p.role?.some((r) => r.text === 'Care manager'))?.member?.reference;
    if (!team || !careManager) continue;
    const me = `Patient/${patient.id}`;
    const staff = [careManager, `Practitioner/${psychiatristId}`].filter((r, i, all) => all.indexOf(r) === i && team.participant?.some((p) => p.member?.reference === r));
    const send = (message: Omit<Communication, 'resourceType' | 'status' | 'subject' | 'about'>) => postResource<Communication>(ctx, 'Communication', {
      resourceType: 'Communication', status: 'completed', subject: ref(me), about: [ref(`CareTeam/${team.id}`)], ...message,
    } as Communication);
    const [topic, question, answer] = TOPICS[patient.index % TOPICS.length];
    const askedHoursAgo = 6 + (dice(patient.index, 71) % 60);
    const first = await send({ sender: ref(me), recipient: staff.map(ref), sent: at(askedHoursAgo), topic: { text: topic }, payload: [{ contentString: question }], extension: readBy(staff, askedHoursAgo > 12, at(askedHoursAgo - 2)) });
    const answeredHoursAgo = Math.max(1, askedHoursAgo - 3);
    await send({ sender: ref(careManager), recipient: [ref(me)], sent: at(answeredHoursAgo), topic: { text: topic }, inResponseTo: [ref(`Communication/${first.id}`)], payload: [{ contentString: answer }], extension: readBy([me], answeredHoursAgo > 8, at(answeredHoursAgo - 1)) });
    written += 2;
    if (patient.index % 3 === 0) {
      const checkIn = await send({ sender: ref(careManager), recipient: [ref(me)], sent: at(30), topic: { text: 'Checking in' }, payload: [{ contentString: `Hi ${patient.given}, how are the skills from this week going? Reply here whenever it suits you.` }], extension: readBy([me], true, at(28)) });
      await send({ sender: ref(me), recipient: [ref(careManager)], sent: at(27), topic: { text: 'Checking in' }, inResponseTo: [ref(`Communication/${checkIn.id}`)], payload: [{ contentString: 'Better than last week. The breathing exercise helps before work.' }], extension: readBy([careManager], true, at(20)) });
      written += 2;
    }
    if (patient.index === ESCALATED_PATIENT) {
      await send({ sender: ref(me), recipient: [ref(careManager)], sent: at(2), priority: 'urgent', topic: { text: 'Bad night' }, payload: [{ contentString: 'Last night was really bad. I kept thinking that I want to die.' }] });
      written += 1;
    }
  }
  return written;
}

function readBy(readers: string[], read: boolean, readAt: string): Extension[] | undefined {
  if (!read) return undefined;
  return readers.map((reader) => ({ url: READ_RECEIPT, extension: [{ url: 'reader', valueReference: ref(reader) }, { url: 'readAt', valueDateTime: readAt }] }));
}
