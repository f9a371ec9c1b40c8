/**
 * FHIR date/dateTime/instant values as the instant range they cover at their precision
 * ("2024" → the whole year; "2024-03-05T10:00" → that minute). Values without a zone are read as UTC.
 */

export interface InstantRange {
  low: Date;
  high: Date;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export function parseDateRange(value: string): InstantRange | undefined {
  const m = DATE_RE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const offsetMs = zone && zone !== 'Z' ? zoneOffsetMs(zone) : 0;
  const utc = (mon: number, day: number, hour: number, min: number, sec: number, ms: number) =>
    new Date(Date.UTC(year, mon, day, hour, min, sec, ms) - offsetMs);
  if (mo === undefined) return { low: utc(0, 1, 0, 0, 0, 0), high: new Date(utc(0, 1, 0, 0, 0, 0).setUTCFullYear(year + 1) - 1) };
  const month = Number(mo) - 1;
  if (month < 0 || month > 11) return undefined;
  if (d === undefined) return { low: utc(month, 1, 0, 0, 0, 0), high: new Date(utc(month + 1, 1, 0, 0, 0, 0).getTime() - 1) };
  const day = Number(d);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (h === undefined) return { low: utc(month, day, 0, 0, 0, 0), high: new Date(utc(month, day + 1, 0, 0, 0, 0).getTime() - 1) };
  const hour = Number(h);
  const minute = Number(mi);
  if (hour > 23 || minute > 59) return undefined;
  if (s === undefined) {
    const low = utc(month, day, hour, minute, 0, 0);
    return { low, high: new Date(low.getTime() + 60_000 - 1) };
  }
  const second = Number(s);
  if (second > 59) return undefined;
  if (frac === undefined) {
    const low = utc(month, day, hour, minute, second, 0);
    return { low, high: new Date(low.getTime() + 999) };
  }
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const low = utc(month, day, hour, minute, second, ms);
  return { low, high: low };
}

function zoneOffsetMs(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hh, mm] = zone.slice(1).split(':').map(Number);
  return sign * (hh * 60 + mm) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

export const MIN_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const MAX_INSTANT = new Date('9999-12-31T23:59:59.999Z');
