/**
 * Who belongs in a group session: the patients enrolled in the program (optionally only some levels of care) on
 * the session's local date. Source: issue 6 item 2 ("one Appointment per enrolled patient for each occurrence;
 * patients enrolled later are added to future sessions"), IOP.md §6.2 (Group `member.period` for rolling
 * admission; one Appointment per patient, pattern B).
 *
 * An enrollment counts on dates from its start to its end, both included, when its status is planned, active or
 * finished (a finished episode still covers the dates before its end). On-hold, waitlisted, cancelled and
 * entered-in-error enrollments are never booked.
 */
import type { CalendarDate } from './calendar-date';
import { compareDates, isDateWithin } from './calendar-date';
import type { CodeRef, EpisodeStatus } from './levels-of-care';
import { patientBookingKey } from './session-recurrence';

export interface RosterEnrollment {
  patientId: string;
  episodeId: string;
  programId?: string;
  levelOfCare: CodeRef;
  status: EpisodeStatus;
  start: CalendarDate;
  end?: CalendarDate;
}

export interface RosterFilter {
  /** Only enrollments in this program. */
  programId?: string;
  /** Only these levels of care (empty or absent: any level). */
  levelsOfCare?: readonly CodeRef[];
}

export interface RosterOccurrence {
  key: string;
  localDate: CalendarDate;
  start: Date;
}

export interface PlannedPatientBooking {
  key: string;
  occurrenceKey: string;
  patientId: string;
  episodeId: string;
}

const BOOKABLE_STATUSES = new Set<EpisodeStatus>(['planned', 'active', 'finished']);

/** The enrollments (one per patient: the most recent start wins) that belong in a session on `localDate`. */
export function selectSessionAttendees(localDate: CalendarDate, enrollments: readonly RosterEnrollment[], filter: RosterFilter = {}): RosterEnrollment[] {
  const byPatient = new Map<string, RosterEnrollment>();
  for (const enrollment of enrollments) {
    if (!BOOKABLE_STATUSES.has(enrollment.status)) continue;
    if (filter.programId !== undefined && enrollment.programId !== filter.programId) continue;
    if (filter.levelsOfCare && filter.levelsOfCare.length > 0 && !filter.levelsOfCare.some((l) => sameCode(l, enrollment.levelOfCare))) continue;
    if (!isDateWithin(localDate, enrollment.start, enrollment.end)) continue;
    const seen = byPatient.get(enrollment.patientId);
    if (!seen || compareDates(enrollment.start, seen.start) > 0) byPatient.set(enrollment.patientId, enrollment);
  }
  return [...byPatient.values()].sort((a, b) => (a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : 0));
}

/**
 * The patient bookings to create so every future occurrence (start after `now`) holds every patient who belongs
 * in it: used right after scheduling and again whenever a patient enrols later. Bookings whose key already
 * exists are skipped, so the call is idempotent; past occurrences are never back-filled.
 */
export function planRosterBookings(
  occurrences: readonly RosterOccurrence[],
  enrollments: readonly RosterEnrollment[],
  filter: RosterFilter,
  existingBookingKeys: Iterable<string>,
  now: Date,
): PlannedPatientBooking[] {
  const existing = new Set(existingBookingKeys);
  const planned: PlannedPatientBooking[] = [];
  for (const occurrence of occurrences) {
    if (occurrence.start.getTime() <= now.getTime()) continue;
    for (const enrollment of selectSessionAttendees(occurrence.localDate, enrollments, filter)) {
      const key = patientBookingKey(occurrence.key, enrollment.patientId);
      if (existing.has(key)) continue;
      planned.push({ key, occurrenceKey: occurrence.key, patientId: enrollment.patientId, episodeId: enrollment.episodeId });
    }
  }
  return planned;
}

function sameCode(a: CodeRef, b: CodeRef): boolean {
  return a.system === b.system && a.code === b.code;
}
