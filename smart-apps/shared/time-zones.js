/**
 * Times in the zone where the care happens, not the viewer's: a program (HealthcareService) or site (Location)
 * states its zone with the standard FHIR `timezone` extension (an IANA name); times are shown in it with the zone's
 * abbreviation, so a morning group reads as morning wherever the clinician or the EHR's browser is.
 */
import { findExtension } from './fhir-format.js';

export const TIME_ZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';

/** The IANA zone a resource declares, if it is one this browser knows. */
export function declaredTimeZone(resource) {
  const zone = findExtension(resource, TIME_ZONE_EXTENSION)?.valueCode;
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** The viewer's own zone: the fallback when neither program nor site says. */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function parts(instant, timeZone) {
  const values = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  for (const part of format.formatToParts(instant)) values[part.type] = part.value;
  return values;
}

/** YYYY-MM-DD of an instant in a zone. */
export function dateInZone(instant, timeZone) {
  const p = parts(new Date(instant), timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Milliseconds the zone's wall clock is ahead of UTC at that instant. */
function offsetAt(instant, timeZone) {
  const p = parts(instant, timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a calendar day (YYYY-MM-DD) begins in a zone (DST-safe: the offset is re-read at the guess). */
export function startOfDayInZone(date, timeZone) {
  const [y, m, d] = date.split('-').map(Number);
  const wallMidnight = Date.UTC(y, m - 1, d);
  let guess = wallMidnight - offsetAt(new Date(wallMidnight), timeZone);
  guess = wallMidnight - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

/** "09:00 AM CST": the time of an instant on the zone's clock, with the zone's abbreviation. */
export function formatTimeInZone(value, timeZone) {
  if (!value) return '';
  return new Date(value).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
}

/** "09:00 AM" without the zone, for the first of a range ("09:00 AM–12:00 PM CST"). */
export function formatClockInZone(value, timeZone) {
  if (!value) return '';
  return new Date(value).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', timeZone });
}

/** "Mon, Dec 7, 2026" for an instant, on the zone's calendar. */
export function formatDateInZone(value, timeZone) {
  if (!value) return '';
  return new Date(value).toLocaleDateString('en-US', { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone });
}

/** "09:00 AM–12:00 PM CST" */
export function formatTimeRangeInZone(start, end, timeZone) {
  return `${formatClockInZone(start, timeZone)}–${formatTimeInZone(end, timeZone)}`;
}
