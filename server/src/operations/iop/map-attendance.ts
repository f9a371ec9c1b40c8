/**
 * The session Encounter (IOP Group Session encounter profile) and each attending patient's Encounter (IOP Session
 * Attendance profile) of a recorded session, and the patient Appointment updated with its attendance.
 */
import type { Appointment, Coding, Encounter, EncounterParticipant } from '@medplum/fhirtypes';
import type { AttendanceMeaning, AttendanceStatus } from '../../domain/attendance-status';
import type { Modality } from '../../domain/billing-types';
import { CS, EXT, PROFILE } from './iop-vocabulary';
import type { SessionInfo } from './map-appointments';
import type { AnyReference } from './read-resources';

const AMBULATORY: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' };
/** v3 ActCode VR: the encounter class of a telehealth attendance (video or audio only). */
const VIRTUAL: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' };
const PRIMARY_PERFORMER: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF', display: 'primary performer' };

export function attendanceCoding(status: AttendanceStatus): Coding {
  return { system: CS.attendanceStatus, code: status };
}

export function buildSessionEncounter(session: SessionInfo, appointment: Appointment, programReference: string, status: 'finished' | 'cancelled'): Encounter {
  const facilitators = (appointment.participant ?? []).map((p) => p.actor as AnyReference).filter((a) => a?.reference && /(^|\/)Practitioner(Role)?\//.test(a.reference));
  const location = (appointment.participant ?? []).map((p) => p.actor as AnyReference).find((a) => a?.reference && /(^|\/)Location\//.test(a.reference));
  return {
    resourceType: 'Encounter',
    meta: { profile: [PROFILE.groupSessionEncounter] },
    extension: [{ url: EXT.program, valueReference: { reference: programReference } }],
    status,
    class: AMBULATORY,
    serviceType: { coding: [session.sessionType] },
    participant: facilitators.map((individual): EncounterParticipant => ({ type: [{ coding: [PRIMARY_PERFORMER] }], individual })),
    appointment: [{ reference: session.reference }],
    period: { start: session.start.toISOString(), end: session.end.toISOString() },
    length: { value: session.minutes, unit: 'min', system: CS.ucum, code: 'min' },
    ...(location ? { location: [{ location }] } : {}),
  };
}

export interface PatientAttendance {
  booking: Appointment;
  patientId: string;
  episodeId?: string;
  status: AttendanceStatus;
  meaning: AttendanceMeaning;
  minutes: number;
  absenceReason?: Coding;
  /** How the patient took part; telehealth also says whether they were at home (POS 10) or elsewhere (POS 02). */
  modality: Modality;
  patientAtHome?: boolean;
}

/** When the patient was there: late arrivals end with the session, early departures start with it. */
export function attendedPeriod(session: SessionInfo, status: AttendanceStatus, minutes: number): { start: string; end: string } {
  const startMs = session.start.getTime();
  const endMs = session.end.getTime();
  const span = minutes * 60_000;
  let start = startMs;
  if (status === 'late-arrival') start = endMs - span;
  else if (status === 'late-and-left-early') start = startMs + Math.floor((endMs - startMs - span) / 2 / 60_000) * 60_000;
  return { start: new Date(start).toISOString(), end: new Date(start + span).toISOString() };
}

export function buildAttendanceEncounter(session: SessionInfo, attendance: PatientAttendance, sessionEncounter: string, programReference: string): Encounter {
  return {
    resourceType: 'Encounter',
    meta: { profile: [PROFILE.sessionAttendance] },
    extension: [
      { url: EXT.minutesAttended, valueInteger: attendance.minutes },
      { url: EXT.attendanceStatus, valueCodeableConcept: { coding: [attendanceCoding(attendance.status)] } },
      { url: EXT.program, valueReference: { reference: programReference } },
      { url: EXT.sessionModality, valueCoding: { system: CS.sessionModality, code: attendance.modality } },
      ...(attendance.modality !== 'in-person' && attendance.patientAtHome !== undefined ? [{ url: EXT.telehealthPatientAtHome, valueBoolean: attendance.patientAtHome }] : []),
    ],
    status: 'finished',
    class: attendance.modality === 'in-person' ? AMBULATORY : VIRTUAL,
    serviceType: { coding: [session.sessionType] },
    subject: { reference: `Patient/${attendance.patientId}` },
    ...(attendance.episodeId ? { episodeOfCare: [{ reference: `EpisodeOfCare/${attendance.episodeId}` }] } : {}),
    partOf: { reference: sessionEncounter },
    appointment: [{ reference: `Appointment/${attendance.booking.id}` }],
    period: attendedPeriod(session, attendance.status, attendance.minutes),
    length: { value: attendance.minutes, unit: 'min', system: CS.ucum, code: 'min' },
  };
}

/** The patient's Appointment with its attendance: fulfilled, noshow or cancelled (with the reason). */
export function withAttendance(booking: Appointment, attendance: PatientAttendance): Appointment {
  const reason = attendance.absenceReason ?? (attendance.meaning.defaultCancelationReason ? { system: CS.absenceReason, code: attendance.meaning.defaultCancelationReason } : undefined);
  const { cancelationReason: _previous, ...rest } = booking;
  return {
    ...rest,
    status: attendance.meaning.appointmentStatus,
    extension: [
      ...(booking.extension ?? []).filter((e) => e.url !== EXT.attendanceStatus),
      { url: EXT.attendanceStatus, valueCodeableConcept: { coding: [attendanceCoding(attendance.status)] } },
    ],
    ...(reason && !attendance.meaning.attended ? { cancelationReason: { coding: [reason] } } : {}),
  };
}
