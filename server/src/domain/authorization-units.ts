/**
 * Payer authorization units: what a billed service consumes, and the warnings when units run out or the
 * authorization period is over. Source: IOP.md §6.2 "Billing" (PAS-style authorized quantity + period; "units
 * used" = claim lines against the auth; block scheduling or warn when remaining units = 0 or the period expired;
 * concurrent-review reminders before expiry), §7 (UR: units authorized vs used vs scheduled, expiry alerts) and
 * the AuthorizationUnitType CodeSystem (day, session, 15-minute unit, hour).
 *
 * Units consumed: a day = 1 for the first billed service of a date (later services that date consume nothing);
 * a session = 1; 15-minute units and hours by the midpoint rule (the last, partial unit counts once its midpoint
 * is passed: 8 minutes → 1 unit of 15, 7 → 0, 23 → 2; 31 minutes → 1 hour, 90 → 1, 91 → 2).
 */
import type { CalendarDate } from './calendar-date';
import { addDays, compareDates, isDateWithin } from './calendar-date';
import { localDateOf } from './time-zone';

export type AuthorizationUnitType = 'day' | 'session' | 'unit-15-min' | 'hour';

export interface AuthorizationState {
  unitType: AuthorizationUnitType;
  authorizedUnits: number;
  usedUnits: number;
  /** Authorized dates, both included (end open when absent). */
  period: { start: CalendarDate; end?: CalendarDate };
  /** For day units: dates already counted. */
  countedDates?: readonly CalendarDate[];
}

export type AuthorizationWarningCode =
  | 'authorization-exhausted'
  | 'authorization-exceeded'
  | 'authorization-period-ended'
  | 'authorization-not-started'
  | 'authorization-expiring'
  | 'authorization-insufficient';

export interface AuthorizationWarning {
  code: AuthorizationWarningCode;
  message: string;
}

export interface AuthorizationUsageResult {
  unitsConsumed: number;
  usedUnits: number;
  remainingUnits: number;
  countedDates: CalendarDate[];
  warnings: AuthorizationWarning[];
}

/** Units one service consumes, by the unit type's rule. */
export function unitsForService(unitType: AuthorizationUnitType, minutesAttended: number, serviceDate: CalendarDate, countedDates: readonly CalendarDate[] = []): number {
  switch (unitType) {
    case 'day':
      return countedDates.includes(serviceDate) ? 0 : 1;
    case 'session':
      return 1;
    case 'unit-15-min':
      return midpointUnits(minutesAttended, 15);
    case 'hour':
      return midpointUnits(minutesAttended, 60);
  }
}

function midpointUnits(minutes: number, unitMinutes: number): number {
  const whole = Math.floor(minutes / unitMinutes);
  return whole + (minutes - whole * unitMinutes > unitMinutes / 2 ? 1 : 0);
}

/** Decrement the authorization for one billed service; warnings say when it is used up or out of its period. */
export function applyAuthorizationUsage(auth: AuthorizationState, serviceDate: CalendarDate, minutesAttended: number): AuthorizationUsageResult {
  const countedDates = [...(auth.countedDates ?? [])];
  const unitsConsumed = unitsForService(auth.unitType, minutesAttended, serviceDate, countedDates);
  if (auth.unitType === 'day' && unitsConsumed > 0) countedDates.push(serviceDate);
  const usedUnits = auth.usedUnits + unitsConsumed;
  const remainingUnits = auth.authorizedUnits - usedUnits;
  const warnings = periodWarnings(auth, serviceDate);
  if (remainingUnits < 0) warnings.push({ code: 'authorization-exceeded', message: `${-remainingUnits} unit(s) used beyond the ${auth.authorizedUnits} authorized` });
  else if (remainingUnits === 0) warnings.push({ code: 'authorization-exhausted', message: `All ${auth.authorizedUnits} authorized units are used` });
  return { unitsConsumed, usedUnits, remainingUnits, countedDates, warnings };
}

export interface SchedulingCheck {
  remainingUnits: number;
  /** Units the planned services would consume. */
  plannedUnits: number;
  warnings: AuthorizationWarning[];
}

/**
 * Warnings for scheduling against an authorization: no units left, planned services needing more than remain,
 * planned dates outside the period, or the period ending within `expiringWithinDays` of today (concurrent review).
 */
export function checkAuthorizationForScheduling(
  auth: AuthorizationState,
  planned: readonly { serviceDate: CalendarDate; minutes: number }[],
  now: Date,
  timeZone: string,
  expiringWithinDays = 7,
): SchedulingCheck {
  const today = localDateOf(now, timeZone);
  const remainingUnits = auth.authorizedUnits - auth.usedUnits;
  const warnings: AuthorizationWarning[] = [];
  const counted = [...(auth.countedDates ?? [])];
  let plannedUnits = 0;
  for (const service of planned) {
    const units = unitsForService(auth.unitType, service.minutes, service.serviceDate, counted);
    if (auth.unitType === 'day' && units > 0) counted.push(service.serviceDate);
    plannedUnits += units;
  }
  if (auth.period.end !== undefined && compareDates(today, auth.period.end) > 0) {
    warnings.push({ code: 'authorization-period-ended', message: `The authorization ended on ${auth.period.end}` });
  } else if (auth.period.end !== undefined && compareDates(auth.period.end, addDays(today, expiringWithinDays)) <= 0) {
    warnings.push({ code: 'authorization-expiring', message: `The authorization ends on ${auth.period.end}; request a concurrent review` });
  }
  const outside = planned.filter((s) => !isDateWithin(s.serviceDate, auth.period.start, auth.period.end));
  if (outside.length > 0) {
    warnings.push({ code: 'authorization-period-ended', message: `${outside.length} planned service(s) fall outside the authorized period ${auth.period.start} – ${auth.period.end ?? '…'}` });
  }
  if (remainingUnits <= 0) warnings.push({ code: 'authorization-exhausted', message: 'No authorized units are left' });
  else if (plannedUnits > remainingUnits) {
    warnings.push({ code: 'authorization-insufficient', message: `The planned services need ${plannedUnits} unit(s); ${remainingUnits} remain` });
  }
  return { remainingUnits, plannedUnits, warnings: dedupe(warnings) };
}

function periodWarnings(auth: AuthorizationState, serviceDate: CalendarDate): AuthorizationWarning[] {
  if (compareDates(serviceDate, auth.period.start) < 0) {
    return [{ code: 'authorization-not-started', message: `The service on ${serviceDate} is before the authorization starts (${auth.period.start})` }];
  }
  if (auth.period.end !== undefined && compareDates(serviceDate, auth.period.end) > 0) {
    return [{ code: 'authorization-period-ended', message: `The service on ${serviceDate} is after the authorization ended (${auth.period.end})` }];
  }
  return [];
}

function dedupe(warnings: AuthorizationWarning[]): AuthorizationWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => !seen.has(w.message) && seen.add(w.message));
}
