/**
 * Conversions between instants and a program's local wall-clock time, for an IANA time zone
 * ('America/Chicago'), with Intl.DateTimeFormat only (no date library).
 *
 * DST rule (the same as Temporal's 'compatible' disambiguation): a local time that does not exist (the hour
 * skipped when clocks spring forward) moves forward by the length of the gap (02:30 → 03:30); a local time that
 * happens twice (clocks fall back) is the first, earlier instant.
 */
import type { CalendarDate } from './calendar-date';
import { addDays, isCalendarDate } from './calendar-date';

/** A local wall-clock time 'HH:MM' (24-hour). */
export type LocalTime = string;

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

export interface ZonedDateTime {
  date: CalendarDate;
  time: LocalTime;
  /** Seconds past the minute (usually 0 for program data). */
  second: number;
  /** Local time minus UTC, in minutes (e.g. -300 for CDT). */
  offsetMinutes: number;
}

export function isLocalTime(value: unknown): value is LocalTime {
  return typeof value === 'string' && TIME_RE.test(value);
}

/** True when the runtime knows the IANA zone name. */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date, time and UTC offset of `instant` in `timeZone`. */
export function toZonedDateTime(instant: Date, timeZone: string): ZonedDateTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return {
    date: `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`,
    time: `${pad2(hour)}:${pad2(minute)}`,
    second,
    offsetMinutes: Math.round((asUtc - wholeSeconds) / 60_000),
  };
}

/** The program-local calendar date of `instant`. */
export function localDateOf(instant: Date, timeZone: string): CalendarDate {
  return toZonedDateTime(instant, timeZone).date;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`. Non-existent and repeated local times
 * are resolved as described at the top of this file.
 */
export function zonedDateTimeToInstant(date: CalendarDate, time: LocalTime, timeZone: string): Date {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${String(date)}`);
  if (!isLocalTime(time)) throw new RangeError(`Not a local time (HH:MM): ${String(time)}`);
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offsets in force a day either side cover every real-world transition (none exceeds a day).
  const before = offsetAt(new Date(wallAsUtc - 86_400_000), timeZone);
  const after = offsetAt(new Date(wallAsUtc + 86_400_000), timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallAsUtc - offset * 60_000)
    .filter((ms) => offsetAt(new Date(ms), timeZone) * 60_000 === wallAsUtc - ms)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]);
  // In the spring-forward gap: read the wall time with the offset from before the gap, which lands after it.
  return new Date(wallAsUtc - before * 60_000);
}

/** The first instant of `date` in `timeZone` (local midnight, or the first existing time after it). */
export function startOfLocalDay(date: CalendarDate, timeZone: string): Date {
  return zonedDateTimeToInstant(date, '00:00', timeZone);
}

/** The first instant of the day after `date` in `timeZone`: the exclusive end of that local day. */
export function endOfLocalDay(date: CalendarDate, timeZone: string): Date {
  return startOfLocalDay(addDays(date, 1), timeZone);
}

function offsetAt(instant: Date, timeZone: string): number {
  return toZonedDateTime(instant, timeZone).offsetMinutes;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
