/**
 * A month of group sessions, built the way staff would: each session that has ended by `now` gets its attendance
 * ($record-attendance), its notes ($document-group-session) and, except for the program's last two session days,
 * their signatures ($sign, which bills). A session still under way is left as it is (booked, undocumented), as it
 * would be at that hour. Attendance is deterministic: mostly present, some late or leaving early, a few absences;
 * one patient misses the program's two latest sessions in a row (a missed-session flag).
 */
import type { Appointment, Encounter, ParametersParameter } from '@medplum/fhirtypes';
import type { CalendarDate } from '../domain/calendar-date';
import { localDateOf } from '../domain/time-zone';
import type { FhirContext } from '../fhir/types';
import type { DemoPatient, DemoProgram } from './demo-bundle';
import type { DemoCalendar } from './demo-calendar';
import { callOperation, dice, param, search } from './demo-operations';

export interface EnrolledDemoPatient extends DemoPatient {
  id: string;
  given: string;
  /** The current enrollment (after a step-down, the new one). */
  episodeId: string;
  /** The individualized treatment plan (CarePlan) its reviews update. */
  carePlanId: string;
  discharged?: boolean;
  steppedDown?: boolean;
}

const IOP = 'http://iop-fhir.org/fhir';
const MODALITY: Record<string, string> = { 'mh-iop-am': 'cbt', 'mh-iop-pm': 'dbt', 'sud-iop': 'relapse-prevention', php: 'supportive' };
/** The patient (demo index) who misses the two latest sessions of the program without notice. */
export const NO_SHOW_PATIENT = 5;

export interface ProgramIds {
  program: DemoProgram;
  programId: string;
  facilitatorId: string;
}

export interface SessionStats {
  recorded: number;
  documented: number;
  signed: number;
}

/** Notes of this many of a program's latest session days stay drafts: the clinicians have not signed them yet. */
const DRAFT_SESSION_DAYS = 2;

export async function runPastSessions(ctx: FhirContext, programs: ProgramIds[], patients: Map<string, EnrolledDemoPatient>, calendar: DemoCalendar): Promise<SessionStats> {
  const stats: SessionStats = { recorded: 0, documented: 0, signed: 0 };
  for (const { program, programId, facilitatorId } of programs) {
    const sessions = await heldSessions(ctx, programId, calendar);
    const draftDays = new Set([...new Set(sessions.map((s) => s.day))].slice(-DRAFT_SESSION_DAYS));
    const toSign: string[] = [];
    for (const [index, { session, booked, day }] of sessions.entries()) {
      const latest = index >= sessions.length - 2;
      const participants = booked.map((patientId) => attendanceOf(patients.get(patientId)!, index, session.minutesDuration!, latest));
      const recorded = await callOperation(ctx, `Appointment/${session.id}/$record-attendance`, participants.map((p) => p.parameter));
      stats.recorded++;
      const sessionEncounter = recorded.parameter!.find((p) => p.name === 'sessionEncounter')!.valueReference!.reference!;
      const attendees = participants.filter((p) => p.attended);
      const documented = await callOperation(ctx, `${sessionEncounter}/$document-group-session`, [
        param.parts('shared',
          param.string('topic', program.schedule.topic),
          param.coding('modality', `${IOP}/CodeSystem/therapy-modality`, MODALITY[program.key]),
          param.string('interventions', 'Psychoeducation, skills practice in pairs, homework review'),
          param.string('summary', `The group reviewed last session's homework and practised the skill of the week: ${program.schedule.topic.toLowerCase()}.`)),
        ...attendees.map((p, i) => memberPart(p.patient, index, attendees[(i + 1) % attendees.length]?.patient)),
      ]);
      stats.documented++;
      const notes = documented.parameter!.filter((p) => p.name === 'note').map((p) => p.part!.find((x) => x.name === 'note')!.valueReference!.reference!);
      if (!draftDays.has(day)) toSign.push(...notes);
    }
    for (let i = 0; i < toSign.length; i += 40) {
      await callOperation(ctx, 'Composition/$sign', [
        ...toSign.slice(i, i + 40).map((note) => param.ref('note', note)),
        param.ref('signer', `Practitioner/${facilitatorId}`),
      ]);
    }
    stats.signed += toSign.length;
  }
  return stats;
}

interface HeldSession {
  session: Appointment;
  /** Ids of the patients booked in it. */
  booked: string[];
  /** Its local date. */
  day: CalendarDate;
}

/**
 * The program's sessions that have ended by `now` and had patients booked, oldest first. A session under way is
 * not held yet: attendance may be taken at its start, but the minutes, notes and claims come after its end.
 */
async function heldSessions(ctx: FhirContext, programId: string, { now, timeZone }: DemoCalendar): Promise<HeldSession[]> {
  const started = await search<Appointment>(ctx, 'Appointment', {
    program: `HealthcareService/${programId}`, identifier: `${IOP}/identifier/session-occurrence|`, date: `lt${now.toISOString()}`, _sort: 'date',
  });
  const held: HeldSession[] = [];
  for (const session of started.filter((s) => Date.parse(s.end!) <= now.getTime())) {
    const bookings = await search<Appointment>(ctx, 'Appointment', { 'session-appointment': `Appointment/${session.id}` });
    const booked = bookings.filter((b) => b.status === 'booked').map((b) => b.participant![0].actor!.reference!.split('/')[1]);
    if (booked.length > 0) held.push({ session, booked, day: localDateOf(new Date(session.start!), timeZone) });
  }
  return held;
}

interface DemoAttendance {
  patient: EnrolledDemoPatient;
  attended: boolean;
  parameter: ParametersParameter;
}

function attendanceOf(patient: EnrolledDemoPatient, sessionIndex: number, minutes: number, latest: boolean): DemoAttendance {
  const roll = dice(patient.index, sessionIndex);
  let status = 'present';
  let attendedMinutes: number | undefined;
  if (patient.index === NO_SHOW_PATIENT && latest) status = 'absent-unexcused';
  else if (roll < 5) status = 'absent-unexcused';
  else if (roll < 9) status = 'absent-excused';
  else if (roll < 15) [status, attendedMinutes] = ['late-arrival', minutes - 20];
  else if (roll < 18) [status, attendedMinutes] = ['left-early', minutes - 45];
  const parts: ParametersParameter[] = [param.ref('patient', `Patient/${patient.id}`), param.code('status', status)];
  if (attendedMinutes !== undefined) parts.push(param.integer('minutesAttended', attendedMinutes));
  if (status === 'absent-excused') parts.push(param.coding('absenceReason', `${IOP}/CodeSystem/absence-reason`, roll % 2 === 0 ? 'transportation' : 'illness'));
  return { patient, attended: !status.startsWith('absent'), parameter: param.parts('participant', ...parts) };
}

const PARTICIPATION = ['engaged', 'active', 'engaged', 'minimal'];
const RESPONSE = ['receptive', 'receptive', 'partially-receptive', 'ambivalent'];

/** One attendee's section; it mentions a peer by first name, which the note then leaves out. */
function memberPart(patient: EnrolledDemoPatient, sessionIndex: number, peer: EnrolledDemoPatient | undefined): ParametersParameter {
  const roll = dice(patient.index + 100, sessionIndex);
  return param.parts('member',
    param.ref('patient', `Patient/${patient.id}`),
    param.coding('participation', `${IOP}/CodeSystem/group-participation`, PARTICIPATION[roll % 4]),
    param.coding('response', `${IOP}/CodeSystem/intervention-response`, RESPONSE[roll % 4]),
    param.string('progress', `Practised the skill with a concrete example from the week${peer && peer.id !== patient.id ? ` and gave feedback to ${peer.given}` : ''}. Reports using it once since the last session.`),
    param.string('plan', 'Continue the skill practice log; review at the next session.'));
}

export type { Encounter };
