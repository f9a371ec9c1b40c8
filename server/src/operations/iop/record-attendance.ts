/**
 * POST /Appointment/{id}/$record-attendance on a session Appointment: each booked patient's status and minutes →
 * the session Encounter, one attendance Encounter per attending patient (partOf it), the Appointment statuses
 * (fulfilled / noshow / cancelled), then the missed-session Flags and outreach Tasks and the compliance Tasks of
 * the patients' enrollments. One transaction: a failure anywhere leaves nothing written.
 */
import type { Appointment, Encounter } from '@medplum/fhirtypes';
import type { AttendanceStatus } from '../../domain/attendance-status';
import type { Modality } from '../../domain/billing-types';
import { patientBookingKey } from '../../domain/session-recurrence';
import { describeAttendanceStatus, parseAttendanceStatus, resolveMinutesAttended, sessionStatusFromAttendance } from '../../domain/attendance-status';
import { badRequest, conflict, FhirError, issue, outcome, unprocessable } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import { OperationInput } from '../operation-input';
import type { OperationDeclaration } from '../registry';
import { evaluateAttendanceFlags } from './evaluate-attendance-flags';
import { CS, EXT, findExtension, ID, keyIdentifier } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { loadProgramEnrollments, loadSessionBookings } from './load-schedule';
import { episodeOf, isPatientAppointment, keyOf, patientOf, sessionInfoOf } from './map-appointments';
import { buildAttendanceEncounter, buildSessionEncounter, withAttendance, type PatientAttendance } from './map-attendance';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { optionalCoding } from './read-input';
import { idOf, parseLocalReference, readResource, searchAll } from './read-resources';
import { refreshComplianceTasks } from './refresh-compliance-tasks';
import { modalityOfVirtualService, parseModality } from './session-modality';
import { WriteSet, commitWrites } from './write-transaction';

export const recordAttendanceOperation: OperationDeclaration = {
  definition: iopOperationDefinition('record-attendance'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const appointment = await readResource<Appointment>(txCtx, 'Appointment', target.id!);
    if (isPatientAppointment(appointment)) {
      throw unprocessable(`Appointment/${appointment.id} is one patient's booking: call $record-attendance on its session Appointment (${findExtension(appointment, EXT.sessionAppointment)?.valueReference?.reference})`);
    }
    const programId = idOf(findExtension(appointment, EXT.program)?.valueReference, 'HealthcareService');
    if (!programId) throw unprocessable(`Appointment/${appointment.id} is not a program session (no program extension)`);
    const program = await loadProgram(txCtx, programId);
    const session = sessionInfoOf(appointment, program.timeZone);
    if (!session) throw unprocessable(`Appointment/${appointment.id} is not a scheduled group session (no occurrence key, session type or times)`);
    if (appointment.status === 'cancelled' || appointment.status === 'entered-in-error') throw unprocessable(`The session is ${appointment.status}`);
    if (session.start.getTime() > now.getTime()) throw unprocessable(`The session starts at ${session.start.toISOString()}: attendance is recorded once it has started`);
    const recorded = await searchAll<Encounter>(txCtx, 'Encounter', { appointment: `Appointment/${appointment.id}` });
    if (recorded.length > 0) throw conflict(`Attendance for this session is already recorded (Encounter/${recorded[0].id})`);

    const bookings = (await loadSessionBookings(txCtx, [session.reference])).filter((b) => b.status !== 'cancelled' && b.status !== 'entered-in-error');
    const attendance = readParticipants(input, bookings, session.minutes, modalityOfVirtualService(session.virtualService));
    const unrecorded = bookings.filter((b) => !attendance.some((a) => a.booking.id === b.id)).map((b) => `Patient/${patientOf(b)}`);
    const levels = sessionStatusFromAttendance(attendance.map((a) => a.status));

    const writes = new WriteSet();
    const sessionEncounter = writes.create(buildSessionEncounter(session, appointment, program.reference, levels.encounterStatus), keyIdentifier(ID.sessionOccurrence, session.key));
    for (const patient of attendance) {
      writes.update(withAttendance(patient.booking, patient));
      if (patient.meaning.encounterStatus) {
        writes.create(buildAttendanceEncounter(session, patient, sessionEncounter, program.reference), keyIdentifier(ID.patientBooking, keyOf(patient.booking, ID.patientBooking) ?? patientBookingKey(session.key, patient.patientId)));
      }
    }
    writes.update({ ...appointment, status: levels.appointmentStatus });
    const committed = await commitWrites(txCtx, writes);

    // With attendance written (same transaction), judge each enrollment's flags and compliance Tasks.
    const patientIds = new Set(attendance.map((a) => a.patientId));
    const enrollments = (await loadProgramEnrollments(txCtx, program.id)).filter((e) => patientIds.has(e.patientId) && attendance.some((a) => a.episodeId === e.episodeId));
    const followUp = new WriteSet();
    const flags = await evaluateAttendanceFlags(txCtx, enrollments, followUp, { now, timeZone: program.timeZone });
    await refreshComplianceTasks(txCtx, enrollments, followUp, { now, timeZone: program.timeZone });
    await commitWrites(txCtx, followUp);
    return {
      status: 200,
      body: parameters(
        out.reference('sessionEncounter', committed.locations.get(sessionEncounter)),
        out.integer('attended', attendance.filter((a) => a.meaning.attended).length),
        out.integer('absent', attendance.filter((a) => !a.meaning.attended).length),
        out.integer('flagsRaised', flags.raised),
        out.integer('flagsResolved', flags.resolved),
        outcomePart(unrecorded.length > 0 ? [`No attendance given for ${unrecorded.join(', ')}: their bookings stay open`] : []),
      ),
    };
  }),
};

/** Each `participant` (patient, status, minutesAttended, absenceReason, modality, patientAtHome), checked against the bookings. */
function readParticipants(input: OperationInput, bookings: Appointment[], sessionMinutes: number, sessionModality: Modality): PatientAttendance[] {
  const problems: string[] = [];
  const result: PatientAttendance[] = [];
  const participants = input.all('participant');
  if (participants.length === 0) throw badRequest('At least one participant (patient, status) is required');
  for (const [index, parameter] of participants.entries()) {
    const part = new OperationInput(parameter.part ?? []);
    const where = `participant[${index}]`;
    const patientRef = part.all('patient')[0]?.valueReference;
    if (!patientRef) {
      problems.push(`${where}: patient (a Reference) is required`);
      continue;
    }
    const [, patientId] = parseLocalReference(patientRef, `${where}.patient`, 'Patient');
    const booking = bookings.find((b) => patientOf(b) === patientId);
    if (!booking) throw unprocessable(`Patient/${patientId} is not booked in this session`);
    if (result.some((r) => r.patientId === patientId)) {
      problems.push(`${where}: Patient/${patientId} is listed twice`);
      continue;
    }
    const code = part.string('status') ?? '';
    const status = parseAttendanceStatus(code) as AttendanceStatus | undefined;
    if (!status) {
      problems.push(`${where}: unknown attendance status ${JSON.stringify(code)} (present, late-arrival, left-early, late-and-left-early, absent-excused, absent-unexcused, cancelled-by-program)`);
      continue;
    }
    const minutes = resolveMinutesAttended(status, part.integer('minutesAttended'), sessionMinutes);
    if (!minutes.ok) {
      problems.push(`${where}: ${minutes.message}`);
      continue;
    }
    const modalityCode = part.string('modality');
    const modality = modalityCode === undefined ? sessionModality : parseModality(modalityCode);
    if (!modality) {
      problems.push(`${where}: unknown modality ${JSON.stringify(modalityCode)} (in-person, video, audio-only)`);
      continue;
    }
    const atHome = part.all('patientAtHome')[0]?.valueBoolean;
    result.push({
      modality, patientAtHome: modality === 'in-person' ? undefined : atHome ?? true,
      booking, patientId, episodeId: episodeOf(booking), status, meaning: describeAttendanceStatus(status), minutes: minutes.minutes,
      absenceReason: optionalCoding(part, 'absenceReason', CS.absenceReason),
    });
  }
  if (problems.length > 0) throw new FhirError(400, outcome(...problems.map((p) => issue('error', 'invalid', p))));
  return result;
}
