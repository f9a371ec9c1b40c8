/**
 * What group documentation reads from FHIR: the programs the user can see, a day's session Appointments, a
 * session's roster (the patients' Appointments of that occurrence), and what was already recorded for it (the
 * session Encounter, attendance Encounters, notes).
 */
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { findExtension, formatDate, formatName, nextDay } from '../shared/fhir-format.js';
import { browserTimeZone, dateInZone, declaredTimeZone, startOfDayInZone } from '../shared/time-zones.js';

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

/**
 * Each program's time zone: its own `timezone` extension, else its first site's, else the viewer's.
 * @returns {Promise<Map<string, string>>} `HealthcareService/id` → IANA zone
 */
export async function loadProgramZones(client, programs) {
  const locationIds = [...new Set(programs.map((p) => p.location?.[0]?.reference).filter((r) => r?.startsWith('Location/')).map((r) => r.slice(9)))];
  const locations = locationIds.length ? await searchAll(client, `Location?_id=${locationIds.join(',')}&_count=100`) : [];
  const siteZones = new Map(locations.map((l) => [`Location/${l.id}`, declaredTimeZone(l)]));
  return new Map(programs.map((p) => [`HealthcareService/${p.id}`, declaredTimeZone(p) ?? siteZones.get(p.location?.[0]?.reference) ?? browserTimeZone()]));
}

/**
 * The sessions of visible programs on a calendar day, "the day" being that day on each program's clock.
 * @param {Map<string, string>} zones from loadProgramZones
 * @returns {Promise<any[]>} the session Appointments, by start time
 */
export async function loadDaySessions(client, date, programs, zones) {
  const allZones = [...new Set(zones.values())];
  if (allZones.length === 0) return [];
  // One query over the earliest start and the latest end of the day across the programs' zones.
  const from = new Date(Math.min(...allZones.map((z) => startOfDayInZone(date, z).getTime()))).toISOString();
  const to = new Date(Math.max(...allZones.map((z) => startOfDayInZone(nextDay(date), z).getTime()))).toISOString();
  const range = `date=${encodeURIComponent(`ge${from}`)}&date=${encodeURIComponent(`lt${to}`)}`;
  const appointments = await searchAll(client, `Appointment?${range}&session-appointment:missing=true&_sort=date&_count=200`);
  const sessions = appointments.filter((a) => !isPatientBooking(a) && programs.has(programOf(a)) && a.status !== 'entered-in-error'
    && dateInZone(a.start, zones.get(programOf(a))) === date);
  return sessions;
}

/** The session Appointment itself, from a session or one patient's booking. */
export async function resolveSession(client, appointmentId) {
  const appointment = await fhirRequest(client, `Appointment/${appointmentId}`);
  const session = findExtension(appointment, EXT.sessionAppointment)?.valueReference?.reference;
  return session ? fhirRequest(client, session) : appointment;
}

/**
 * @returns {Promise<{ members: { booking: any, patient: any, patientId: string, name: string }[] }>} booked patients,
 * by name: cancelled bookings are left out unless attendance was recorded on them (an excused absence cancels the
 * patient's Appointment, and that member still belongs in the recorded attendance and gets an absence note)
 */
export async function loadRoster(client, sessionId) {
  const resources = await searchAll(client, `Appointment?session-appointment=Appointment/${sessionId}&_include=Appointment:patient&_count=200`, { includeIncluded: true });
  const patients = new Map(resources.filter((r) => r.resourceType === 'Patient').map((p) => [p.id, p]));
  const members = resources
    .filter((r) => r.resourceType === 'Appointment' && r.status !== 'entered-in-error' && (r.status !== 'cancelled' || recordedStatusOf(r)))
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

/**
 * What $record-attendance and $document-group-session already wrote for the session, with every patient a note is
 * about and their name (so a note is never titled with a bare reference, whoever is still on the roster).
 */
export async function loadSessionRecords(client, sessionId) {
  const [sessionEncounter] = await searchAll(client, `Encounter?appointment=Appointment/${sessionId}&_count=5`);
  if (!sessionEncounter) return { sessionEncounter: undefined, attendance: [], notes: [], patients: new Map(), patientNames: new Map() };
  const attendance = await searchAll(client, `Encounter?part-of=Encounter/${sessionEncounter.id}&_count=200`);
  const encounters = [sessionEncounter, ...attendance].map((e) => `Encounter/${e.id}`).join(',');
  const found = await searchAll(client, `Composition?encounter=${encounters}&_include=Composition:subject&_count=200`, { includeIncluded: true });
  const notes = found.filter((r) => r.resourceType === 'Composition' && r.status !== 'entered-in-error');
  const patients = new Map(found.filter((r) => r.resourceType === 'Patient').map((p) => [`Patient/${p.id}`, p]));
  const patientNames = new Map([...patients].map(([reference, p]) => [reference, formatName(p.name)]));
  return { sessionEncounter, attendance, notes, patients, patientNames };
}
