/**
 * Attendance rate and weekly hours per patient over a period. Source: IOP.md §1.3 and §6.2 (weekly attended
 * hours against IOP 9 h / PHP 20 h; minutes attended on the per-patient Encounter) and issue 6 item 3
 * ($attendance reports attendance rate and weekly hours per patient).
 *
 * Definitions (stated here because IOP.md does not fix them):
 * - Week: Monday 00:00 to Sunday 24:00 in the program's time zone. A session belongs to the week and the day of
 *   its local start date.
 * - Hours: attended minutes / 60 (real minutes attended, so DST changes do not add or lose time).
 * - Attendance rate: sessions attended / sessions the program held for the patient (present, late, left early,
 *   excused and unexcused absences). Sessions cancelled by the program and sessions not yet recorded are left out.
 */
import type { CalendarDate } from './calendar-date';
import { addDays, compareDates, isDateWithin, startOfIsoWeek } from './calendar-date';
import type { AttendanceStatus } from './attendance-status';
import { describeAttendanceStatus } from './attendance-status';
import { localDateOf } from './time-zone';

/** One patient's booking in one session, with its attendance once recorded. */
export interface AttendanceRecord {
  patientId: string;
  episodeId?: string;
  occurrenceKey?: string;
  /** Session start. */
  start: Date;
  /** Undefined until attendance has been recorded. */
  status?: AttendanceStatus;
  minutesAttended: number;
}

export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when the denominator is 0. */
  rate: number | null;
}

export interface WeeklyHours {
  /** Monday. */
  weekStart: CalendarDate;
  /** Sunday. */
  weekEnd: CalendarDate;
  minutesAttended: number;
  hoursAttended: number;
  /** Sessions the program held for the patient that week (attendance-rate denominator). */
  sessionsScheduled: number;
  /** The week is cut by the start or end of the period asked for. */
  partial: boolean;
  /** Whether the week met the minimum, when a minimum was given. */
  meetsMinimum?: boolean;
}

export interface PatientAttendanceSummary {
  patientId: string;
  sessionsScheduled: number;
  sessionsAttended: number;
  absentExcused: number;
  absentUnexcused: number;
  cancelledByProgram: number;
  notYetRecorded: number;
  minutesAttended: number;
  attendanceRate: Ratio;
  weeks: WeeklyHours[];
  /** Full weeks (not partial) below the minimum, when a minimum was given. */
  weeksBelowMinimum: number;
}

export interface AttendancePeriod {
  /** First and last local date, both included. */
  from: CalendarDate;
  to: CalendarDate;
  timeZone: string;
  /** Program minimum hours per week (IOP 9, PHP 20), to mark each week. */
  minimumWeeklyHours?: number;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}

/** Hours per Monday–Sunday week for one patient's records, for every week that overlaps the period. */
export function computeWeeklyHours(records: readonly AttendanceRecord[], period: AttendancePeriod): WeeklyHours[] {
  const weeks = new Map<CalendarDate, WeeklyHours>();
  for (let monday = startOfIsoWeek(period.from); compareDates(monday, period.to) <= 0; monday = addDays(monday, 7)) {
    const sunday = addDays(monday, 6);
    weeks.set(monday, {
      weekStart: monday,
      weekEnd: sunday,
      minutesAttended: 0,
      hoursAttended: 0,
      sessionsScheduled: 0,
      partial: compareDates(monday, period.from) < 0 || compareDates(sunday, period.to) > 0,
    });
  }
  for (const record of records) {
    const date = localDateOf(record.start, period.timeZone);
    if (!isDateWithin(date, period.from, period.to)) continue;
    const week = weeks.get(startOfIsoWeek(date)) as WeeklyHours;
    if (record.status === undefined) continue;
    const meaning = describeAttendanceStatus(record.status);
    if (meaning.countsAsScheduled) week.sessionsScheduled += 1;
    if (meaning.attended) week.minutesAttended += record.minutesAttended;
  }
  return [...weeks.values()].map((week) => {
    const hoursAttended = week.minutesAttended / 60;
    return period.minimumWeeklyHours === undefined ? { ...week, hoursAttended } : { ...week, hoursAttended, meetsMinimum: hoursAttended >= period.minimumWeeklyHours };
  });
}

/** Attendance rate and weekly hours for each patient with records in the period (patients in id order). */
export function summarizeAttendance(records: readonly AttendanceRecord[], period: AttendancePeriod): PatientAttendanceSummary[] {
  const byPatient = new Map<string, AttendanceRecord[]>();
  for (const record of records) {
    if (!isDateWithin(localDateOf(record.start, period.timeZone), period.from, period.to)) continue;
    const list = byPatient.get(record.patientId);
    if (list) list.push(record);
    else byPatient.set(record.patientId, [record]);
  }
  return [...byPatient.keys()].sort().map((patientId) => summarizePatient(patientId, byPatient.get(patientId) as AttendanceRecord[], period));
}

function summarizePatient(patientId: string, records: AttendanceRecord[], period: AttendancePeriod): PatientAttendanceSummary {
  const count = (status: AttendanceStatus) => records.filter((r) => r.status === status).length;
  let scheduled = 0;
  let attended = 0;
  let minutes = 0;
  for (const record of records) {
    if (record.status === undefined) continue;
    const meaning = describeAttendanceStatus(record.status);
    if (meaning.countsAsScheduled) scheduled += 1;
    if (meaning.attended) {
      attended += 1;
      minutes += record.minutesAttended;
    }
  }
  const weeks = computeWeeklyHours(records, period);
  return {
    patientId,
    sessionsScheduled: scheduled,
    sessionsAttended: attended,
    absentExcused: count('absent-excused'),
    absentUnexcused: count('absent-unexcused'),
    cancelledByProgram: count('cancelled-by-program'),
    notYetRecorded: records.filter((r) => r.status === undefined).length,
    minutesAttended: minutes,
    attendanceRate: ratio(attended, scheduled),
    weeks,
    weeksBelowMinimum: weeks.filter((w) => !w.partial && w.meetsMinimum === false).length,
  };
}
