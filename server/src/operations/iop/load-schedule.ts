/** Loading a program's enrollments, its session Appointments and the patients booked into them. */
import type { Appointment, EpisodeOfCare } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir/types';
import { ID } from './iop-vocabulary';
import type { ProgramContext } from './load-program';
import { enrollmentFacts, type EnrollmentFacts } from './map-enrollment';
import { keyOf, sessionInfoOf, type SessionInfo } from './map-appointments';
import { searchAll } from './read-resources';

/** Every enrollment in the program (optionally one patient's), in any status. */
export async function loadProgramEnrollments(ctx: FhirContext, programId: string, patientId?: string): Promise<EnrollmentFacts[]> {
  const episodes = await searchAll<EpisodeOfCare>(ctx, 'EpisodeOfCare', {
    program: `HealthcareService/${programId}`,
    ...(patientId ? { patient: `Patient/${patientId}` } : {}),
  });
  return episodes.map(enrollmentFacts).filter((e): e is EnrollmentFacts => e !== undefined);
}

/** The program's session Appointments starting in [from, to) (either bound open). */
export async function loadProgramSessions(ctx: FhirContext, program: ProgramContext, from?: Date, to?: Date): Promise<SessionInfo[]> {
  const date = [...(from ? [`ge${from.toISOString()}`] : []), ...(to ? [`lt${to.toISOString()}`] : [])];
  const appointments = await searchAll<Appointment>(ctx, 'Appointment', {
    program: program.reference,
    identifier: `${ID.sessionOccurrence}|`,
    ...(date.length > 0 ? { date } : {}),
  });
  return appointments
    .map((a) => sessionInfoOf(a, program.timeZone))
    .filter((s): s is SessionInfo => s !== undefined && s.appointment?.status !== 'cancelled' && s.appointment?.status !== 'entered-in-error')
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** The patient Appointments booked into these sessions. */
export async function loadSessionBookings(ctx: FhirContext, sessionReferences: readonly string[]): Promise<Appointment[]> {
  if (sessionReferences.length === 0) return [];
  return searchAll<Appointment>(ctx, 'Appointment', { 'session-appointment': sessionReferences.join(',') });
}

export function bookingKeysOf(appointments: readonly Appointment[]): Set<string> {
  return new Set(appointments.map((a) => keyOf(a, ID.patientBooking)).filter((k): k is string => k !== undefined));
}
