/**
 * Calendar dates ('YYYY-MM-DD', no time, no zone) and their arithmetic. Program rules are stated in calendar
 * days (certification "by day 18", "3 no-shows in 14 days", Monday–Sunday weeks), so they are computed on plain
 * dates; instants are turned into the program's local date first (time-zone.ts).
 */

/** A calendar date 'YYYY-MM-DD'. */
export type CalendarDate = string;

/** ISO day of week: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True when `value` is an existing calendar date in 'YYYY-MM-DD' form (rejects 2023-02-29). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toUtcMidnight(date: CalendarDate): number {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${String(date)}`);
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function fromUtcMidnight(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMidnight(toUtcMidnight(date) + days * DAY_MS);
}

/**
 * `date` plus `months`, clamped to the last day of the target month (Jan 31 + 1 month = Feb 28/29), which keeps a
 * "within N months" deadline on or before the true anniversary.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  toUtcMidnight(date);
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtcMidnight(Date.UTC(year, month, Math.min(d, lastDay)));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtcMidnight(to) - toUtcMidnight(from)) / DAY_MS);
}

/** Negative, zero or positive like a sort comparator; string order is date order for 'YYYY-MM-DD'. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isoWeekday(date: CalendarDate): IsoWeekday {
  const jsDay = new Date(toUtcMidnight(date)).getUTCDay();
  return (jsDay === 0 ? 7 : jsDay) as IsoWeekday;
}

/** The Monday that starts the Monday–Sunday week containing `date`. */
export function startOfIsoWeek(date: CalendarDate): CalendarDate {
  return addDays(date, 1 - isoWeekday(date));
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachDate(from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const dates: CalendarDate[] = [];
  for (let d = from; compareDates(d, to) <= 0; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** True when `date` lies in [start, end] (end open-ended when undefined). */
export function isDateWithin(date: CalendarDate, start: CalendarDate, end: CalendarDate | undefined): boolean {
  return compareDates(date, start) >= 0 && (end === undefined || compareDates(date, end) <= 0);
}

/** The earlier of two dates. */
export function earlierDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) <= 0 ? a : b;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date as people read it in text shown to them ("4 March 2024"): the same in every locale, never an ISO string. */
export function describeDate(date: CalendarDate): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}
