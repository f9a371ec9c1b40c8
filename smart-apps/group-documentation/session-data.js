/**
 * What group documentation reads from FHIR: the programs the user can see, a day's session Appointments, a
 * session's roster (the patients' Appointments of that occurrence), and what was already recorded for it (the
 * session Encounter, attendance Encounters, notes).
 */
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { findExtension, formatDate, formatName, nextDay } from '../shared/fhir-format.js';
import { loadUserPrograms } from '../shared/user-programs.js';

const IOP = 'http://iop-fhir.org/fhir';
export const EXT = {
  program: `${IOP}/StructureDefinition/program`,
  sessionAppointment: `${IOP}/StructureDefinition/session-appointment`,
  attendanceStatus: `${IOP}/StructureDefinition/attendance-status`,
  minutesAttended: `${IOP}/StructureDefinition/minutes-attended`,
};

export function isPatientBooking(appointment) {
  return findExtension(appointment, EXT.sessionAppointment) !== undefined;
}

export function programOf(appointment) {
  return findExtension(appointment, EXT.program)?.valueReference?.reference;
}

/** Local midnight of a YYYY-MM-DD date as an instant, so "the day" is the user's day whatever the server's zone. */
function startOfDay(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d).toISOString();
}

/** @returns {Promise<{ programs: Map<string, any>, sessions: any[] }>} sessions of visible programs, by start time */
export async function loadDaySessions(client, date) {
  const programs = new Map((await loadUserPrograms(client)).map((p) => [`HealthcareService/${p.id}`, p]));
  const range = `date=${encodeURIComponent(`ge${startOfDay(date)}`)}&date=${encodeURIComponent(`lt${startOfDay(nextDay(date))}`)}`;
  const appointments = await searchAll(client, `Appointment?${range}&session-appointment:missing=true&_sort=date&_count=200`);
  const sessions = appointments.filter((a) => !isPatientBooking(a) && programs.has(programOf(a)) && a.status !== 'entered-in-error');
  return { programs, sessions };
}

/** The session Appointment itself, from a session or one patient's booking. */
export async function resolveSession(client, appointmentId) {
  const appointment = await fhirRequest(client, `Appointment/${appointmentId}`);
  const session = findExtension(appointment, EXT.sessionAppointment)?.valueReference?.reference;
  return session ? fhirRequest(client, session) : appointment;
}

/**
 * @returns {Promise<{ members: { booking: any, patient: any, patientId: string, name: string }[] }>} booked patients
 * (cancelled bookings left out), by name
 */
export async function loadRoster(client, sessionId) {
  const resources = await searchAll(client, `Appointment?session-appointment=Appointment/${sessionId}&_include=Appointment:patient&_count=200`, { includeIncluded: true });
  const patients = new Map(resources.filter((r) => r.resourceType === 'Patient').map((p) => [p.id, p]));
  const members = resources
    .filter((r) => r.resourceType === 'Appointment' && r.status !== 'cancelled' && r.status !== 'entered-in-error')
    .map((booking) => {
      const patientId = booking.participant?.map((p) => p.actor?.reference).find((r) => r?.startsWith('Patient/'))?.slice(8);
      const patient = patients.get(patientId);
      return { booking, patient, patientId, name: patient ? formatName(patient.name) : `Patient ${patientId}` };
    })
    .filter((m) => m.patientId)
    .sort((a, b) => a.name.localeCompare(b.name));
  // Two members with the same name must still be told apart (in labels too).
  const counts = new Map();
  for (const member of members) counts.set(member.name, (counts.get(member.name) ?? 0) + 1);
  for (const member of members) {
    if (counts.get(member.name) > 1) {
      member.name = `${member.name} (${member.patient?.birthDate ? `born ${formatDate(member.patient.birthDate)}` : `ID ${member.patientId}`})`;
    }
  }
  return { members };
}

/** The attendance recorded for a booking, if any (the attendance-status extension of the patient's Appointment). */
export function recordedStatusOf(booking) {
  return findExtension(booking, EXT.attendanceStatus)?.valueCodeableConcept?.coding?.[0]?.code;
}

/** What $record-attendance and $document-group-session already wrote for the session. */
export async function loadSessionRecords(client, sessionId) {
  const [sessionEncounter] = await searchAll(client, `Encounter?appointment=Appointment/${sessionId}&_count=5`);
  if (!sessionEncounter) return { sessionEncounter: undefined, attendance: [], notes: [] };
  const attendance = await searchAll(client, `Encounter?part-of=Encounter/${sessionEncounter.id}&_count=200`);
  const encounters = [sessionEncounter, ...attendance].map((e) => `Encounter/${e.id}`).join(',');
  const notes = (await searchAll(client, `Composition?encounter=${encounters}&_count=200`)).filter((c) => c.status !== 'entered-in-error');
  return { sessionEncounter, attendance, notes };
}
