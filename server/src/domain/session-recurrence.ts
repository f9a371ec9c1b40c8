/**
 * Bulk group scheduling: a weekly recurrence (days of week, local start time in the program's time zone,
 * duration, first and last date, excluded dates such as holidays) expanded into concrete session occurrences.
 * Source: issue 6 item 2, IOP.md §6.2 "Scheduling" and §7 "bulk/recurring group scheduling by program/LOC".
 *
 * - Start times are wall-clock times in the program's zone, so a 09:00 group stays at 09:00 across DST changes;
 *   the UTC instant moves. The end is start + duration in real minutes (a session running through a DST change
 *   still lasts its duration).
 * - Each occurrence has a deterministic key (series key + local date + local start time): re-running the same
 *   recurrence yields the same keys, which is what makes $schedule-sessions idempotent.
 */
import type { CalendarDate } from './calendar-date';
import { compareDates, daysBetween, eachDate, isCalendarDate, isoWeekday } from './calendar-date';
import type { LocalTime } from './time-zone';
import { isLocalTime, isValidTimeZone, zonedDateTimeToInstant } from './time-zone';

/** FHIR days-of-week codes. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface SessionRecurrence {
  /** Identifies the series, e.g. `${healthcareServiceId}|${sessionType}`; part of every occurrence key. */
  seriesKey: string;
  daysOfWeek: readonly Weekday[];
  startTime: LocalTime;
  durationMinutes: number;
  /** First and last date, both included. */
  from: CalendarDate;
  to: CalendarDate;
  timeZone: string;
  /** Dates with no session (holidays, closures). */
  exclusions?: readonly CalendarDate[];
}

export interface SessionOccurrence {
  key: string;
  localDate: CalendarDate;
  localStartTime: LocalTime;
  start: Date;
  end: Date;
  durationMinutes: number;
}

export interface RecurrenceLimits {
  /** Longest allowed span from `from` to `to`, in days. */
  maxSpanDays: number;
  maxOccurrences: number;
  maxDurationMinutes: number;
}

export const DEFAULT_RECURRENCE_LIMITS: RecurrenceLimits = { maxSpanDays: 366, maxOccurrences: 400, maxDurationMinutes: 12 * 60 };

export interface RecurrenceProblem {
  field: keyof SessionRecurrence;
  message: string;
}

/** Everything wrong with a recurrence, for a 400 that names each field; empty when it can be expanded. */
export function validateSessionRecurrence(recurrence: SessionRecurrence, limits: RecurrenceLimits = DEFAULT_RECURRENCE_LIMITS): RecurrenceProblem[] {
  const problems: RecurrenceProblem[] = [];
  const add = (field: keyof SessionRecurrence, message: string) => problems.push({ field, message });
  if (typeof recurrence.seriesKey !== 'string' || recurrence.seriesKey === '') add('seriesKey', 'seriesKey is required');
  if (!Array.isArray(recurrence.daysOfWeek) || recurrence.daysOfWeek.length === 0) add('daysOfWeek', 'at least one day of the week is required');
  else for (const day of recurrence.daysOfWeek) if (!WEEKDAYS.includes(day)) add('daysOfWeek', `unknown day of week '${String(day)}' (use mon … sun)`);
  if (!isLocalTime(recurrence.startTime)) add('startTime', 'startTime must be HH:MM (24-hour)');
  const duration = recurrence.durationMinutes;
  if (!Number.isInteger(duration) || duration <= 0 || duration > limits.maxDurationMinutes) {
    add('durationMinutes', `durationMinutes must be a whole number from 1 to ${limits.maxDurationMinutes}`);
  }
  if (!isValidTimeZone(recurrence.timeZone)) add('timeZone', `unknown time zone '${String(recurrence.timeZone)}' (use an IANA name such as America/Chicago)`);
  const datesValid = isCalendarDate(recurrence.from) && isCalendarDate(recurrence.to);
  if (!isCalendarDate(recurrence.from)) add('from', 'from must be a date YYYY-MM-DD');
  if (!isCalendarDate(recurrence.to)) add('to', 'to must be a date YYYY-MM-DD');
  if (datesValid && compareDates(recurrence.to, recurrence.from) < 0) add('to', 'to is before from');
  if (datesValid && daysBetween(recurrence.from, recurrence.to) > limits.maxSpanDays) add('to', `the recurrence may span at most ${limits.maxSpanDays} days`);
  for (const date of recurrence.exclusions ?? []) if (!isCalendarDate(date)) add('exclusions', `excluded date '${String(date)}' is not YYYY-MM-DD`);
  if (problems.length === 0) {
    const count = matchingDates(recurrence).length;
    if (count > limits.maxOccurrences) add('to', `the recurrence yields ${count} sessions; at most ${limits.maxOccurrences} per request`);
  }
  return problems;
}

/** The concrete occurrences, in date order. Throws RangeError for a recurrence validateSessionRecurrence rejects. */
export function expandSessionOccurrences(recurrence: SessionRecurrence): SessionOccurrence[] {
  const problems = validateSessionRecurrence(recurrence, { ...DEFAULT_RECURRENCE_LIMITS, maxOccurrences: Number.POSITIVE_INFINITY });
  if (problems.length > 0) throw new RangeError(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  return matchingDates(recurrence).map((localDate) => {
    const start = zonedDateTimeToInstant(localDate, recurrence.startTime, recurrence.timeZone);
    return {
      key: sessionOccurrenceKey(recurrence.seriesKey, localDate, recurrence.startTime),
      localDate,
      localStartTime: recurrence.startTime,
      start,
      end: new Date(start.getTime() + recurrence.durationMinutes * 60_000),
      durationMinutes: recurrence.durationMinutes,
    };
  });
}

/** Deterministic key of one occurrence of a series (identifier of the session Appointment). */
export function sessionOccurrenceKey(seriesKey: string, localDate: CalendarDate, localStartTime: LocalTime): string {
  return `${seriesKey}|${localDate}T${localStartTime}`;
}

/** Deterministic key of one patient's booking in one occurrence (identifier of the patient's Appointment). */
export function patientBookingKey(occurrenceKey: string, patientId: string): string {
  return `${occurrenceKey}|${patientId}`;
}

function matchingDates(recurrence: SessionRecurrence): CalendarDate[] {
  const days = new Set(recurrence.daysOfWeek.map((d) => WEEKDAYS.indexOf(d) + 1));
  const excluded = new Set(recurrence.exclusions ?? []);
  return eachDate(recurrence.from, recurrence.to).filter((date) => days.has(isoWeekday(date)) && !excluded.has(date));
}
