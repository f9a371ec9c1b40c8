/**
 * Session-level and patient Appointments (IOP Group Session / Patient Session Appointment profiles) ↔ the
 * domain's occurrences, bookings and attendance records. A session Appointment carries the occurrence key; a
 * patient's Appointment carries the booking key, points to its session and to the patient's enrollment
 * (supportingInformation), and records attendance as its status and attendance-status extension.
 */
import type { Appointment, AppointmentParticipant, CodeableConcept, Coding, Extension, Reference } from '@medplum/fhirtypes';
import type { AttendanceRecord } from '../../domain/attendance-summary';
import { parseAttendanceStatus } from '../../domain/attendance-status';
import type { Booking, BookingRole } from '../../domain/booking-conflicts';
import { localDateOf } from '../../domain/time-zone';
import { CS, EXT, findExtension, ID, keyIdentifier, PROFILE } from './iop-vocabulary';
import { idOf, type AnyReference } from './read-resources';

/** A session (group occurrence) as the scheduling and attendance code sees it. */
export interface SessionInfo {
  key: string;
  /** `Appointment/id`, or the urn of a session being created in the same transaction. */
  reference: string;
  start: Date;
  end: Date;
  localDate: string;
  minutes: number;
  sessionType: Coding;
  /** Levels of care the session is for (empty: every enrolled patient). */
  levelsOfCare: Coding[];
  isNew: boolean;
  appointment?: Appointment;
  /** The session meets online (the virtual-service extension its Appointments carry). */
  virtualService?: Extension;
}

export function keyFromValue(value: string | undefined): string | undefined {
  return value?.replaceAll('~', '|');
}

export function keyOf(resource: { identifier?: { system?: string; value?: string }[] }, system: string): string | undefined {
  return keyFromValue(resource.identifier?.find((i) => i.system === system)?.value);
}

export function sessionTypeOf(appointment: Appointment): Coding | undefined {
  return appointment.serviceType?.flatMap((c) => c.coding ?? []).find((c) => c.system === CS.sessionType);
}

export function isPatientAppointment(appointment: Appointment): boolean {
  return findExtension(appointment, EXT.sessionAppointment) !== undefined;
}

export function sessionInfoOf(appointment: Appointment, timeZone: string): SessionInfo | undefined {
  const key = keyOf(appointment, ID.sessionOccurrence);
  const sessionType = sessionTypeOf(appointment);
  if (!key || !appointment.start || !appointment.end || !sessionType) return undefined;
  const start = new Date(appointment.start);
  const end = new Date(appointment.end);
  return {
    key, reference: `Appointment/${appointment.id}`, start, end, localDate: localDateOf(start, timeZone),
    minutes: appointment.minutesDuration ?? Math.round((end.getTime() - start.getTime()) / 60_000),
    sessionType, levelsOfCare: appointment.serviceCategory?.flatMap((c) => c.coding ?? []) ?? [], isNew: false, appointment,
    virtualService: findExtension(appointment, EXT.virtualService),
  };
}

export interface NewSession {
  key: string;
  programReference: Reference;
  start: Date;
  end: Date;
  minutes: number;
  sessionType: Coding;
  facilitators: AnyReference[];
  location?: AnyReference;
  levelsOfCare: Coding[];
  description?: string;
  virtualService?: Extension;
}

export function buildSessionAppointment(session: NewSession): Appointment {
  const participant: AppointmentParticipant[] = [
    ...session.facilitators.map((actor): AppointmentParticipant => ({ actor, required: 'required', status: 'accepted' })),
    ...(session.location ? [{ actor: session.location, status: 'accepted' as const }] : []),
  ];
  return {
    resourceType: 'Appointment',
    meta: { profile: [PROFILE.groupSessionAppointment] },
    extension: [{ url: EXT.program, valueReference: session.programReference }, ...(session.virtualService ? [session.virtualService] : [])],
    identifier: [keyIdentifier(ID.sessionOccurrence, session.key)],
    status: 'booked',
    ...(session.levelsOfCare.length > 0 ? { serviceCategory: [{ coding: session.levelsOfCare }] } : {}),
    serviceType: [{ coding: [session.sessionType] }],
    ...(session.description ? { description: session.description } : {}),
    start: session.start.toISOString(),
    end: session.end.toISOString(),
    minutesDuration: session.minutes,
    participant,
  };
}

export interface NewPatientBooking {
  key: string;
  session: SessionInfo;
  programReference: Reference;
  patientId: string;
  episodeId: string;
}

export function buildPatientAppointment(booking: NewPatientBooking): Appointment {
  return {
    resourceType: 'Appointment',
    meta: { profile: [PROFILE.patientSessionAppointment] },
    extension: [
      { url: EXT.program, valueReference: booking.programReference },
      { url: EXT.sessionAppointment, valueReference: { reference: booking.session.reference } },
      ...(booking.session.virtualService ? [booking.session.virtualService] : []),
    ],
    identifier: [keyIdentifier(ID.patientBooking, booking.key)],
    status: 'booked',
    serviceType: [{ coding: [booking.session.sessionType] }],
    start: booking.session.start.toISOString(),
    end: booking.session.end.toISOString(),
    minutesDuration: booking.session.minutes,
    supportingInformation: [{ reference: `EpisodeOfCare/${booking.episodeId}` }],
    participant: [{ actor: { reference: `Patient/${booking.patientId}` }, status: 'accepted' }],
  };
}

/** Every participant of an Appointment that holds its time, as bookings for conflict detection. */
export function bookingsOf(appointment: Appointment): Booking[] {
  if (!appointment.start || !appointment.end) return [];
  const occurrence = keyOf(appointment, ID.sessionOccurrence);
  const patientKey = keyOf(appointment, ID.patientBooking);
  return (appointment.participant ?? []).flatMap((p): Booking[] => {
    const participant = p.actor?.reference;
    const role = participant ? roleOf(participant) : undefined;
    if (!participant || !role) return [];
    const key = role === 'patient' ? patientKey : occurrence ? `${occurrence}|${participant}` : undefined;
    return [{ key, participant, role, start: new Date(appointment.start!), end: new Date(appointment.end!), appointmentId: appointment.id, status: appointment.status }];
  });
}

function roleOf(reference: string): BookingRole | undefined {
  if (/(^|\/)Patient\//.test(reference)) return 'patient';
  if (/(^|\/)Practitioner(Role)?\//.test(reference)) return 'facilitator';
  if (/(^|\/)Location\//.test(reference)) return 'location';
  return undefined;
}

export function patientOf(appointment: Appointment): string | undefined {
  for (const p of appointment.participant ?? []) {
    const id = idOf(p.actor, 'Patient');
    if (id) return id;
  }
  return undefined;
}

export function episodeOf(appointment: Appointment): string | undefined {
  for (const ref of appointment.supportingInformation ?? []) {
    const id = idOf(ref, 'EpisodeOfCare');
    if (id) return id;
  }
  return undefined;
}

export function attendanceStatusOf(resource: { extension?: { url: string; valueCodeableConcept?: CodeableConcept }[] }): string | undefined {
  return findExtension(resource, EXT.attendanceStatus)?.valueCodeableConcept?.coding?.find((c) => c.system === CS.attendanceStatus)?.code;
}

/** The attendance record of a patient Appointment; minutes come from its attendance Encounter, when attended. */
export function attendanceRecordOf(appointment: Appointment, minutesByAppointment: ReadonlyMap<string, number>): AttendanceRecord | undefined {
  const patientId = patientOf(appointment);
  if (!patientId || !appointment.start) return undefined;
  const code = attendanceStatusOf(appointment);
  const status = code ? parseAttendanceStatus(code) : undefined;
  return {
    patientId,
    episodeId: episodeOf(appointment),
    occurrenceKey: keyOf(appointment, ID.patientBooking),
    start: new Date(appointment.start),
    status,
    minutesAttended: minutesByAppointment.get(`Appointment/${appointment.id}`) ?? 0,
  };
}
