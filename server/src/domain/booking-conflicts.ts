/**
 * Double-booking detection for bulk scheduling (issue 6 item 2: "conflicts (a patient or facilitator
 * double-booked) are reported, not silently created"; IOP.md §6.2 Scheduling).
 *
 * Bookings are half-open intervals [start, end): a 09:00–10:00 group followed by a 10:00–11:00 group is not a
 * conflict. Existing bookings that no longer hold the time (cancelled, noshow, entered-in-error) are ignored. A
 * proposed booking whose key already exists is "already booked" (an idempotent re-run), never a conflict.
 */

export type BookingRole = 'patient' | 'facilitator' | 'location';

export interface Booking {
  /** Deterministic booking key (see patientBookingKey / sessionOccurrenceKey), when known. */
  key?: string;
  /** A reference such as 'Patient/123' or 'Practitioner/7'. */
  participant: string;
  role: BookingRole;
  start: Date;
  end: Date;
  /** The Appointment holding the time, for reporting. */
  appointmentId?: string;
  /** Appointment status of an existing booking. */
  status?: string;
}

export interface BookingConflict {
  participant: string;
  role: BookingRole;
  proposed: Booking;
  /** The booking it overlaps: an existing one, or another booking in the same proposal. */
  conflictsWith: Booking;
  source: 'existing' | 'proposed';
}

export interface BookingConflictReport {
  conflicts: BookingConflict[];
  /** Keys of proposed bookings that already exist (nothing to create). */
  alreadyBooked: string[];
}

const RELEASED_STATUSES = new Set(['cancelled', 'noshow', 'entered-in-error']);

export function intervalsOverlap(a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** Conflicts of the proposed bookings with existing ones and with each other, per participant. */
export function detectBookingConflicts(proposed: readonly Booking[], existing: readonly Booking[]): BookingConflictReport {
  const existingKeys = new Set(existing.filter((b) => b.key !== undefined).map((b) => b.key as string));
  const alreadyBooked: string[] = [];
  const toCreate: Booking[] = [];
  for (const booking of proposed) {
    if (booking.key !== undefined && existingKeys.has(booking.key)) alreadyBooked.push(booking.key);
    else toCreate.push(booking);
  }
  const holding = existing.filter((b) => !RELEASED_STATUSES.has(b.status ?? ''));
  const existingByParticipant = groupByParticipant(holding);
  const conflicts: BookingConflict[] = [];
  for (const booking of toCreate) {
    for (const other of existingByParticipant.get(booking.participant) ?? []) {
      if (intervalsOverlap(booking, other)) conflicts.push({ participant: booking.participant, role: booking.role, proposed: booking, conflictsWith: other, source: 'existing' });
    }
  }
  for (const group of groupByParticipant(toCreate).values()) {
    const sorted = [...group].sort((a, b) => a.start.getTime() - b.start.getTime());
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j].start.getTime() < sorted[i].end.getTime(); j++) {
        conflicts.push({ participant: sorted[j].participant, role: sorted[j].role, proposed: sorted[j], conflictsWith: sorted[i], source: 'proposed' });
      }
    }
  }
  return { conflicts, alreadyBooked };
}

function groupByParticipant(bookings: readonly Booking[]): Map<string, Booking[]> {
  const groups = new Map<string, Booking[]>();
  for (const booking of bookings) {
    const list = groups.get(booking.participant);
    if (list) list.push(booking);
    else groups.set(booking.participant, [booking]);
  }
  return groups;
}
