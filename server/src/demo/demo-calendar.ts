/**
 * The demo's calendar: every date the seed writes is a program-local day (the programs' zone) counted from the
 * local date of the seed's `now`, and every instant a local time on such a day. Never the UTC date of an instant:
 * at 19:00 in Chicago the UTC date is already tomorrow, and the demo must look the same whatever the hour.
 */
import type { CalendarDate } from '../domain/calendar-date';
import { addDays } from '../domain/calendar-date';
import { localDateOf, zonedDateTimeToInstant, type LocalTime } from '../domain/time-zone';
import { DEFAULT_PROGRAM_TIME_ZONE } from '../operations/iop/operation-support';

export interface DemoCalendar {
  /** The instant the demo is built as of. */
  now: Date;
  timeZone: string;
  /** The programs' local date of `now`. */
  today: CalendarDate;
  /** The local date `days` days before today (negative: after). */
  daysAgo(days: number): CalendarDate;
  /** The instant the programs' wall clock shows `time` on `date`. */
  at(date: CalendarDate, time: LocalTime): Date;
}

export function demoCalendar(now: Date, timeZone: string = DEFAULT_PROGRAM_TIME_ZONE): DemoCalendar {
  const today = localDateOf(now, timeZone);
  return {
    now,
    timeZone,
    today,
    daysAgo: (days) => addDays(today, -days),
    at: (date, time) => zonedDateTimeToInstant(date, time, timeZone),
  };
}
