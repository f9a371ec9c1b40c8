/** Calendar dates and time-zone conversion (domain/calendar-date.ts, domain/time-zone.ts): DST gaps and overlaps. */
import {
  addDays,
  addMonths,
  daysBetween,
  eachDate,
  isCalendarDate,
  isDateWithin,
  isoWeekday,
  startOfIsoWeek,
} from '../../server/src/domain/calendar-date';
import { endOfLocalDay, isValidTimeZone, localDateOf, startOfLocalDay, toZonedDateTime, zonedDateTimeToInstant } from '../../server/src/domain/time-zone';

describe('calendar dates', () => {
  test('validates real dates only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('2024-1-01')).toBe(false);
    expect(isCalendarDate('2024-04-31')).toBe(false);
    expect(isCalendarDate(20240101)).toBe(false);
  });

  test('adds days across month, year and leap-day edges', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2024-12-31')).toBe(365);
    expect(daysBetween('2024-03-11', '2024-03-10')).toBe(-1);
  });

  test('adds months clamped to the end of the month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-11-15', 2)).toBe('2025-01-15');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
  });

  test('weeks run Monday to Sunday', () => {
    expect(isoWeekday('2024-03-11')).toBe(1);
    expect(isoWeekday('2024-03-17')).toBe(7);
    expect(startOfIsoWeek('2024-03-17')).toBe('2024-03-11');
    expect(startOfIsoWeek('2024-03-11')).toBe('2024-03-11');
    expect(startOfIsoWeek('2025-01-01')).toBe('2024-12-30');
  });

  test('ranges include both ends; an empty range is empty', () => {
    expect(eachDate('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(eachDate('2024-03-02', '2024-03-01')).toEqual([]);
    expect(isDateWithin('2024-03-01', '2024-03-01', undefined)).toBe(true);
    expect(isDateWithin('2024-03-01', '2024-02-01', '2024-02-29')).toBe(false);
  });

  test('rejects malformed input loudly', () => {
    expect(() => addDays('2024-02-30', 1)).toThrow(RangeError);
  });
});

describe('time zones', () => {
  const chicago = 'America/Chicago';

  test('knows IANA names and rejects others', () => {
    expect(isValidTimeZone(chicago)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  test('converts wall-clock time in standard and daylight time', () => {
    expect(zonedDateTimeToInstant('2024-01-15', '09:00', chicago).toISOString()).toBe('2024-01-15T15:00:00.000Z');
    expect(zonedDateTimeToInstant('2024-07-15', '09:00', chicago).toISOString()).toBe('2024-07-15T14:00:00.000Z');
    expect(zonedDateTimeToInstant('2024-07-15', '09:00', 'UTC').toISOString()).toBe('2024-07-15T09:00:00.000Z');
    expect(zonedDateTimeToInstant('2024-07-15', '09:00', 'Asia/Kolkata').toISOString()).toBe('2024-07-15T03:30:00.000Z');
  });

  test('a time in the spring-forward gap moves forward by the gap', () => {
    // 2024-03-10 02:00 CST → 03:00 CDT: 02:30 does not exist.
    const instant = zonedDateTimeToInstant('2024-03-10', '02:30', chicago);
    expect(instant.toISOString()).toBe('2024-03-10T08:30:00.000Z');
    expect(toZonedDateTime(instant, chicago).time).toBe('03:30');
    expect(zonedDateTimeToInstant('2024-03-10', '01:59', chicago).toISOString()).toBe('2024-03-10T07:59:00.000Z');
    expect(zonedDateTimeToInstant('2024-03-10', '03:00', chicago).toISOString()).toBe('2024-03-10T08:00:00.000Z');
  });

  test('a repeated fall-back time is the earlier instant', () => {
    // 2024-11-03 02:00 CDT → 01:00 CST: 01:30 happens twice.
    expect(zonedDateTimeToInstant('2024-11-03', '01:30', chicago).toISOString()).toBe('2024-11-03T06:30:00.000Z');
    expect(zonedDateTimeToInstant('2024-11-03', '02:30', chicago).toISOString()).toBe('2024-11-03T08:30:00.000Z');
  });

  test('half-hour DST zones (Lord Howe) and southern-hemisphere dates', () => {
    // Clocks go from 02:00 (+10:30) to 02:30 (+11:00): 02:15 is in the 30-minute gap and becomes 02:45.
    const inGap = zonedDateTimeToInstant('2024-10-06', '02:15', 'Australia/Lord_Howe');
    expect(inGap.toISOString()).toBe('2024-10-05T15:45:00.000Z');
    expect(toZonedDateTime(inGap, 'Australia/Lord_Howe').time).toBe('02:45');
    expect(zonedDateTimeToInstant('2024-04-07', '01:45', 'Australia/Lord_Howe').toISOString()).toBe('2024-04-06T14:45:00.000Z');
  });

  test('local dates and offsets of instants', () => {
    const lateEvening = new Date('2024-03-12T04:30:00Z');
    expect(localDateOf(lateEvening, chicago)).toBe('2024-03-11');
    expect(localDateOf(lateEvening, 'UTC')).toBe('2024-03-12');
    expect(toZonedDateTime(lateEvening, chicago)).toEqual({ date: '2024-03-11', time: '23:30', second: 0, offsetMinutes: -300 });
  });

  test('local days are 23 and 25 hours long on DST days', () => {
    const spring = endOfLocalDay('2024-03-10', chicago).getTime() - startOfLocalDay('2024-03-10', chicago).getTime();
    const fall = endOfLocalDay('2024-11-03', chicago).getTime() - startOfLocalDay('2024-11-03', chicago).getTime();
    expect(spring / 3_600_000).toBe(23);
    expect(fall / 3_600_000).toBe(25);
  });

  test('rejects bad dates and times', () => {
    expect(() => zonedDateTimeToInstant('2024-02-30', '09:00', chicago)).toThrow(RangeError);
    expect(() => zonedDateTimeToInstant('2024-02-01', '24:00', chicago)).toThrow(RangeError);
    expect(() => zonedDateTimeToInstant('2024-02-01', '9:00', chicago)).toThrow(RangeError);
  });
});
