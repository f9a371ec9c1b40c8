/**
 * Attendance statuses and what they mean for Appointment and Encounter status. Source: IOP.md §6.2 "Attendance &
 * encounters" (attended ⇒ per-patient Encounter finished + Appointment fulfilled; absent ⇒ Appointment noshow, or
 * cancelled + cancelationReason, and no finished Encounter, since R4 Encounter has no no-show status; minutes
 * attended on the Encounter) and the AttendanceStatus CodeSystem of profiles/.
 *
 * - absent-unexcused → Appointment noshow (counts toward missed-session flags)
 * - absent-excused → Appointment cancelled (reason given by the caller); not a no-show, but not attended
 * - cancelled-by-program → Appointment cancelled, reason program-cancelled; not scheduled for attendance rates
 * Minutes: present defaults to the full session; late/left-early need the minutes actually attended (1 … session
 * length); absences attend 0 minutes.
 */

export type AttendanceStatus =
  | 'present'
  | 'late-arrival'
  | 'left-early'
  | 'late-and-left-early'
  | 'absent-excused'
  | 'absent-unexcused'
  | 'cancelled-by-program';

export const ATTENDANCE_STATUSES: readonly AttendanceStatus[] = [
  'present',
  'late-arrival',
  'left-early',
  'late-and-left-early',
  'absent-excused',
  'absent-unexcused',
  'cancelled-by-program',
];

/** Short forms callers use that mean a CodeSystem status ('late' in issue 6 is 'late-arrival'). */
const STATUS_ALIASES: Readonly<Record<string, AttendanceStatus>> = { late: 'late-arrival', 'no-show': 'absent-unexcused', noshow: 'absent-unexcused' };

export type AppointmentAttendanceStatus = 'fulfilled' | 'noshow' | 'cancelled';

export interface AttendanceMeaning {
  attended: boolean;
  appointmentStatus: AppointmentAttendanceStatus;
  /** Status of the per-patient Encounter; undefined means no per-patient Encounter is created. */
  encounterStatus?: 'finished';
  /** A no-show for the missed-session rules. */
  countsAsNoShow: boolean;
  /** Part of the attendance-rate denominator (the program held the session for this patient). */
  countsAsScheduled: boolean;
  /** Default Appointment.cancelationReason code (AbsenceReason CodeSystem) when the status implies one. */
  defaultCancelationReason?: 'program-cancelled';
}

const MEANINGS: Readonly<Record<AttendanceStatus, AttendanceMeaning>> = {
  present: { attended: true, appointmentStatus: 'fulfilled', encounterStatus: 'finished', countsAsNoShow: false, countsAsScheduled: true },
  'late-arrival': { attended: true, appointmentStatus: 'fulfilled', encounterStatus: 'finished', countsAsNoShow: false, countsAsScheduled: true },
  'left-early': { attended: true, appointmentStatus: 'fulfilled', encounterStatus: 'finished', countsAsNoShow: false, countsAsScheduled: true },
  'late-and-left-early': { attended: true, appointmentStatus: 'fulfilled', encounterStatus: 'finished', countsAsNoShow: false, countsAsScheduled: true },
  'absent-excused': { attended: false, appointmentStatus: 'cancelled', countsAsNoShow: false, countsAsScheduled: true },
  'absent-unexcused': { attended: false, appointmentStatus: 'noshow', countsAsNoShow: true, countsAsScheduled: true },
  'cancelled-by-program': { attended: false, appointmentStatus: 'cancelled', countsAsNoShow: false, countsAsScheduled: false, defaultCancelationReason: 'program-cancelled' },
};

/** The CodeSystem status for a code or a known alias, or undefined when unknown. */
export function parseAttendanceStatus(code: string): AttendanceStatus | undefined {
  if ((ATTENDANCE_STATUSES as readonly string[]).includes(code)) return code as AttendanceStatus;
  return STATUS_ALIASES[code];
}

export function describeAttendanceStatus(status: AttendanceStatus): AttendanceMeaning {
  return MEANINGS[status];
}

export type MinutesAttendedResult = { ok: true; minutes: number } | { ok: false; message: string };

/** The minutes a patient attended, checked against the status and the session length. */
export function resolveMinutesAttended(status: AttendanceStatus, minutesAttended: number | undefined, sessionMinutes: number): MinutesAttendedResult {
  if (!Number.isInteger(sessionMinutes) || sessionMinutes <= 0) return { ok: false, message: 'the session length must be a positive whole number of minutes' };
  if (minutesAttended !== undefined && (!Number.isInteger(minutesAttended) || minutesAttended < 0)) {
    return { ok: false, message: 'minutesAttended must be a whole number of minutes, 0 or more' };
  }
  if (!MEANINGS[status].attended) {
    if (minutesAttended !== undefined && minutesAttended !== 0) return { ok: false, message: `a patient who is ${status} attended 0 minutes` };
    return { ok: true, minutes: 0 };
  }
  if (minutesAttended === undefined) {
    if (status === 'present') return { ok: true, minutes: sessionMinutes };
    return { ok: false, message: `minutesAttended is required when the status is ${status}` };
  }
  if (minutesAttended === 0) return { ok: false, message: `a patient who is ${status} attended at least 1 minute; record an absence instead` };
  if (minutesAttended > sessionMinutes) return { ok: false, message: `minutesAttended (${minutesAttended}) exceeds the session length (${sessionMinutes})` };
  return { ok: true, minutes: minutesAttended };
}

export interface SessionLevelStatus {
  appointmentStatus: AppointmentAttendanceStatus;
  /** The session Encounter: finished when anyone attended; cancelled when nobody did. */
  encounterStatus: 'finished' | 'cancelled';
}

/** Status of the session-level Appointment and Encounter from every participant's attendance. */
export function sessionStatusFromAttendance(statuses: readonly AttendanceStatus[]): SessionLevelStatus {
  if (statuses.some((s) => MEANINGS[s].attended)) return { appointmentStatus: 'fulfilled', encounterStatus: 'finished' };
  if (statuses.length > 0 && statuses.every((s) => s === 'cancelled-by-program')) return { appointmentStatus: 'cancelled', encounterStatus: 'cancelled' };
  return { appointmentStatus: 'noshow', encounterStatus: 'cancelled' };
}
