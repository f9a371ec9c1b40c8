/**
 * Filling sessions with the enrolled patients who belong in them: after scheduling, at enrollment, on a change of
 * level of care and on $add-to-sessions. The roster rules are domain/session-roster.ts; double bookings are
 * domain/booking-conflicts.ts (reported, never created); authorization warnings domain/authorization-units.ts.
 */
import type { Appointment, ParametersParameter } from '@medplum/fhirtypes';
import { checkAuthorizationForScheduling } from '../../domain/authorization-units';
import type { Booking, BookingConflict } from '../../domain/booking-conflicts';
import { detectBookingConflicts } from '../../domain/booking-conflicts';
import type { PlannedPatientBooking, RosterFilter } from '../../domain/session-roster';
import { planRosterBookings } from '../../domain/session-roster';
import type { FhirContext } from '../../fhir/types';
import { ID, keyIdentifier } from './iop-vocabulary';
import { findAuthorization, loadActiveCoverages } from './load-coverage';
import type { ProgramContext } from './load-program';
import type { EnrollmentFacts } from './map-enrollment';
import { bookingsOf, buildPatientAppointment, type SessionInfo } from './map-appointments';
import { out } from './operation-output';
import { searchAll } from './read-resources';
import type { WriteSet } from './write-transaction';

const EPOCH = new Date(0);
const DAY_MS = 86_400_000;

export interface RosterRequest {
  program: ProgramContext;
  sessions: readonly SessionInfo[];
  enrollments: readonly EnrollmentFacts[];
  /** Patient booking keys that already exist, whatever their status. */
  existingBookingKeys: ReadonlySet<string>;
  now: Date;
}

export interface RosterResult {
  booked: number;
  conflicts: BookingConflict[];
  warnings: string[];
}

/**
 * Adds to `writes` one Appointment per patient and session. Sessions created in the same request are filled
 * whatever their date (a session entered after the fact is still a session); sessions that already existed only
 * from now on, so the past is never back-filled.
 */
export async function addRosterBookings(ctx: FhirContext, request: RosterRequest, writes: WriteSet): Promise<RosterResult> {
  const planned: { booking: PlannedPatientBooking; session: SessionInfo }[] = [];
  for (const session of request.sessions) {
    const filter: RosterFilter = { programId: request.program.id, levelsOfCare: session.levelsOfCare.map((c) => ({ system: c.system ?? '', code: c.code ?? '' })) };
    const occurrence = [{ key: session.key, localDate: session.localDate, start: session.start }];
    const bookings = planRosterBookings(occurrence, request.enrollments, filter, request.existingBookingKeys, session.isNew ? EPOCH : request.now);
    planned.push(...bookings.map((booking) => ({ booking, session })));
  }
  if (planned.length === 0) return { booked: 0, conflicts: [], warnings: [] };

  const proposed: Booking[] = planned.map(({ booking, session }) => ({
    key: booking.key, participant: `Patient/${booking.patientId}`, role: 'patient', start: session.start, end: session.end,
  }));
  const patientIds = [...new Set(planned.map((p) => p.booking.patientId))];
  const existing = await loadPatientBookings(ctx, patientIds, proposed);
  const { conflicts } = detectBookingConflicts(proposed, existing);
  const conflicting = new Set(conflicts.map((c) => c.proposed.key));
  const accepted = planned.filter(({ booking }) => !conflicting.has(booking.key));
  for (const { booking, session } of accepted) {
    writes.create(buildPatientAppointment({
      key: booking.key, session, programReference: { reference: request.program.reference }, patientId: booking.patientId, episodeId: booking.episodeId,
    }), keyIdentifier(ID.patientBooking, booking.key));
  }
  const warnings = await authorizationWarnings(ctx, request, accepted);
  return { booked: accepted.length, conflicts, warnings };
}

/** The patients' Appointments that could overlap the proposed bookings. */
async function loadPatientBookings(ctx: FhirContext, patientIds: string[], proposed: Booking[]): Promise<Booking[]> {
  const from = Math.min(...proposed.map((b) => b.start.getTime())) - DAY_MS;
  const to = Math.max(...proposed.map((b) => b.end.getTime()));
  const appointments = await searchAll<Appointment>(ctx, 'Appointment', {
    patient: patientIds.map((id) => `Patient/${id}`).join(','),
    date: [`ge${new Date(from).toISOString()}`, `le${new Date(to).toISOString()}`],
  });
  return appointments.flatMap(bookingsOf).filter((b) => b.role === 'patient');
}

async function authorizationWarnings(ctx: FhirContext, request: RosterRequest, accepted: { booking: PlannedPatientBooking; session: SessionInfo }[]): Promise<string[]> {
  const byPatient = new Map<string, SessionInfo[]>();
  for (const { booking, session } of accepted) byPatient.set(booking.patientId, [...(byPatient.get(booking.patientId) ?? []), session]);
  if (byPatient.size === 0) return [];
  const coverages = await loadActiveCoverages(ctx, [...byPatient.keys()]);
  const warnings: string[] = [];
  for (const [patientId, sessions] of byPatient) {
    const enrollment = request.enrollments.find((e) => e.patientId === patientId);
    const authorization = findAuthorization(coverages.get(patientId) ?? [], enrollment?.levelCoding, sessions[0].localDate);
    if (!authorization) continue;
    const planned = sessions.map((s) => ({ serviceDate: s.localDate, minutes: s.minutes }));
    const check = checkAuthorizationForScheduling(authorization.state, planned, request.now, request.program.timeZone);
    const label = authorization.number ? `authorization ${authorization.number}` : 'authorization';
    for (const warning of check.warnings) warnings.push(`Patient/${patientId} (${label}): ${warning.message}`);
  }
  return warnings;
}

/** A reported double booking, as an output part. */
export function conflictPart(conflict: BookingConflict): ParametersParameter {
  return out.parts('conflict',
    out.string('participant', conflict.participant),
    out.code('role', conflict.role),
    out.dateTime('start', conflict.proposed.start.toISOString()),
    out.dateTime('end', conflict.proposed.end.toISOString()),
    out.reference('conflictsWith', conflict.conflictsWith.appointmentId ? `Appointment/${conflict.conflictsWith.appointmentId}` : undefined),
    out.string('message', conflict.source === 'existing'
      ? `${conflict.participant} is already booked from ${conflict.conflictsWith.start.toISOString()} to ${conflict.conflictsWith.end.toISOString()}`
      : `${conflict.participant} would be booked twice at ${conflict.proposed.start.toISOString()} by this request`));
}
