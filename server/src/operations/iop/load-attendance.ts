/**
 * Attendance records (domain/attendance-summary.ts) from patient Appointments (status and attendance-status
 * extension) and their attendance Encounters (minutes attended). Bookings cancelled for another reason than
 * attendance (a change of level of care) are not sessions the patient was expected at, and are left out.
 */
import type { Appointment, Encounter } from '@medplum/fhirtypes';
import type { AttendanceRecord } from '../../domain/attendance-summary';
import type { FhirContext } from '../../fhir/types';
import { EXT, findExtension, ID } from './iop-vocabulary';
import { attendanceRecordOf, attendanceStatusOf } from './map-appointments';
import { searchAll } from './read-resources';

/** Every booking of these enrollments, with attendance where recorded. */
export async function loadEpisodeAttendance(ctx: FhirContext, episodeIds: readonly string[]): Promise<AttendanceRecord[]> {
  if (episodeIds.length === 0) return [];
  const episodes = episodeIds.map((id) => `EpisodeOfCare/${id}`).join(',');
  const appointments = await searchAll<Appointment>(ctx, 'Appointment', { 'supporting-info': episodes, identifier: `${ID.patientBooking}|` });
  const encounters = await searchAll<Encounter>(ctx, 'Encounter', { 'episode-of-care': episodes, identifier: `${ID.patientBooking}|` });
  return toRecords(appointments, encounters);
}

/** Every booking in the program's sessions starting in [from, to). */
export async function loadProgramAttendance(ctx: FhirContext, programReference: string, from: Date, to: Date): Promise<AttendanceRecord[]> {
  const date = [`ge${from.toISOString()}`, `lt${to.toISOString()}`];
  const appointments = await searchAll<Appointment>(ctx, 'Appointment', { program: programReference, identifier: `${ID.patientBooking}|`, date });
  const encounters = await searchAll<Encounter>(ctx, 'Encounter', { program: programReference, identifier: `${ID.patientBooking}|`, date });
  return toRecords(appointments, encounters);
}

export function minutesByAppointment(encounters: readonly Encounter[]): Map<string, number> {
  const minutes = new Map<string, number>();
  for (const encounter of encounters) {
    const value = findExtension(encounter, EXT.minutesAttended)?.valueInteger;
    for (const appointment of encounter.appointment ?? []) if (appointment.reference && value !== undefined) minutes.set(appointment.reference, value);
  }
  return minutes;
}

function toRecords(appointments: readonly Appointment[], encounters: readonly Encounter[]): AttendanceRecord[] {
  const minutes = minutesByAppointment(encounters);
  return appointments
    .filter((a) => !(a.status === 'cancelled' && attendanceStatusOf(a) === undefined) && a.status !== 'entered-in-error')
    .map((a) => attendanceRecordOf(a, minutes))
    .filter((r): r is AttendanceRecord => r !== undefined);
}
