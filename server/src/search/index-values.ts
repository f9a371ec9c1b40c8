/**
 * One FHIRPath result → index rows of its parameter's type (HAPI-style: string, token, date range, number,
 * quantity, uri, reference). Pure functions; the extractor decides which parameter and group a value belongs to.
 */
import type { TypedValue } from '@medplum/core';
import type { IndexRows } from '../store/index-rows';
import { MAX_INSTANT, MIN_INSTANT, parseDateRange } from './dates';
import { normalizeString } from './normalize';
import type { SearchParamType } from './registry';

type Obj = Record<string, any>;

/** Appends the rows of one value; `grp` marks composite component rows. */
export function appendValueRows(rows: IndexRows, code: string, paramType: SearchParamType, typed: TypedValue, grp?: number): void {
  const { type } = typed;
  const value = typed.value as any;
  if (value === undefined || value === null) return;
  const g = grp === undefined ? {} : { grp };
  switch (paramType) {
    case 'string':
      for (const text of stringsOf(type, value)) rows.string.push({ param: code, valueNorm: normalizeString(text), valueExact: text, ...g });
      return;
    case 'token':
      for (const token of tokensOf(type, value)) rows.token.push({ param: code, ...token, ...g });
      for (const ofType of identifierTypeTokens(type, value)) rows.token.push({ param: `${code}:of-type`, ...ofType, ...g });
      return;
    case 'date':
      for (const range of dateRangesOf(type, value)) {
        rows.date.push({ param: code, low: range.low.toISOString(), high: range.high.toISOString(), ...g });
      }
      return;
    case 'number':
      appendNumber(rows, code, type, value, g);
      return;
    case 'quantity':
      appendQuantity(rows, code, type, value, g);
      return;
    case 'uri':
      if (typeof value === 'string') rows.uri.push({ param: code, value, ...g });
      return;
    case 'reference':
      appendReference(rows, code, type, value, g);
      return;
    default:
      return; // special: not indexed; composite: the extractor indexes its components
  }
}

function stringsOf(type: string, value: any): string[] {
  if (typeof value === 'string') return [value];
  if (type === 'HumanName') {
    const parts = [value.text, value.family, ...(value.given ?? []), ...(value.prefix ?? []), ...(value.suffix ?? [])];
    // The whole name too, so `name=peter chalmers` matches as a prefix of "Peter James Chalmers" written in order.
    const whole = [...(value.given ?? []), value.family].filter(Boolean).join(' ');
    return unique([...parts, whole]);
  }
  if (type === 'Address') {
    const parts = [value.text, ...(value.line ?? []), value.city, value.district, value.state, value.postalCode, value.country];
    return unique(parts);
  }
  if (typeof value === 'object') return unique(Object.values(value as Obj));
  return [String(value)];
}

function unique(values: unknown[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

type TokenParts = { system: string | null; code: string | null; textNorm: string | null };

function tokensOf(type: string, value: any): TokenParts[] {
  const token = (system: unknown, code: unknown, text?: unknown): TokenParts => ({
    system: typeof system === 'string' ? system : null,
    code: code === undefined || code === null ? null : String(code),
    textNorm: typeof text === 'string' && text ? normalizeString(text) : null,
  });
  switch (type) {
    case 'CodeableConcept': {
      const tokens = ((value.coding ?? []) as Obj[]).map((c) => token(c.system, c.code, c.display));
      if (value.text) tokens.push(token(null, null, value.text));
      return tokens;
    }
    case 'Coding':
      return [token(value.system, value.code, value.display)];
    case 'Identifier':
      return [token(value.system, value.value, value.type?.text)];
    case 'ContactPoint':
      return value.value ? [token(value.system, value.value)] : [];
    case 'Reference':
      return value.reference ? [token(null, value.reference)] : [];
    default:
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [token(null, value)];
      return [];
  }
}

/** `identifier:of-type=<type system>|<type code>|<value>`: one row per type coding, code = "<type code>|<value>". */
function identifierTypeTokens(type: string, value: any): TokenParts[] {
  if (type !== 'Identifier' || !value.value) return [];
  return ((value.type?.coding ?? []) as Obj[])
    .filter((coding) => coding.code)
    .map((coding) => ({ system: coding.system ?? null, code: `${coding.code}|${value.value}`, textNorm: null }));
}

export function dateRangesOf(type: string, value: any): { low: Date; high: Date }[] {
  if (typeof value === 'string') {
    const range = parseDateRange(value);
    return range ? [range] : [];
  }
  if (type === 'Period') {
    const low = value.start ? parseDateRange(value.start)?.low : MIN_INSTANT;
    const high = value.end ? parseDateRange(value.end)?.high : MAX_INSTANT;
    return low && high && (value.start || value.end) ? [{ low, high }] : [];
  }
  if (type === 'Timing') {
    const ranges = ((value.event ?? []) as string[]).flatMap((event) => dateRangesOf('dateTime', event));
    if (value.repeat?.boundsPeriod) ranges.push(...dateRangesOf('Period', value.repeat.boundsPeriod));
    return ranges;
  }
  return [];
}

/** A Range keeps its bounds (open ends far away); a single value is a point. */
function rangeOf(type: string, value: any): { value: number; low: number; high: number } | undefined {
  if (type === 'Range') {
    const low = value.low?.value;
    const high = value.high?.value;
    if (typeof low !== 'number' && typeof high !== 'number') return undefined;
    return { value: low ?? high, low: low ?? -1e38, high: high ?? 1e38 };
  }
  const n = typeof value === 'number' ? value : value?.value;
  return typeof n === 'number' && Number.isFinite(n) ? { value: n, low: n, high: n } : undefined;
}

function appendNumber(rows: IndexRows, code: string, type: string, value: any, g: { grp?: number }): void {
  const range = rangeOf(type, value);
  if (range) rows.number.push({ param: code, value: String(range.value), low: String(range.low), high: String(range.high), ...g });
}

function appendQuantity(rows: IndexRows, code: string, type: string, value: any, g: { grp?: number }): void {
  const range = rangeOf(type, value);
  if (!range) return;
  const unitSource = type === 'Range' ? value.low ?? value.high : value;
  rows.quantity.push({
    param: code,
    system: unitSource?.system ?? null,
    code: unitSource?.code ?? null,
    unit: unitSource?.unit ?? null,
    value: String(range.value), low: String(range.low), high: String(range.high), ...g,
  });
}

const LOCAL_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const ABSOLUTE_REFERENCE = /^[a-z][a-z0-9+.-]*:\/\/.*\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function appendReference(rows: IndexRows, code: string, type: string, value: any, g: { grp?: number }): void {
  if (type === 'Reference') {
    if (value.identifier?.value) {
      rows.token.push({ param: `${code}:identifier`, system: value.identifier.system ?? null, code: value.identifier.value, textNorm: null, ...g });
    }
    if (typeof value.reference === 'string') appendReferenceString(rows, code, value.reference, g);
    return;
  }
  if (typeof value === 'string') {
    // canonical: indexed without its version (any version matches) and, when versioned, with it
    const bar = value.indexOf('|');
    appendReferenceString(rows, code, bar >= 0 ? value.slice(0, bar) : value, g);
    if (bar >= 0) rows.reference.push({ param: code, targetType: null, targetId: null, targetUrl: value, ...g });
    return;
  }
  if (value.resourceType && value.id) {
    rows.reference.push({ param: code, targetType: value.resourceType, targetId: value.id, targetUrl: null, ...g });
  }
}

/**
 * Relative references point into this server: (type, id) and no URL. Absolute ones keep the URL, and also their
 * type/id so that a search by our own base URL (normalised at parse time) can tell them apart by URL.
 */
function appendReferenceString(rows: IndexRows, code: string, reference: string, g: { grp?: number }): void {
  if (reference.startsWith('#')) return; // a contained resource: meaningful only inside this resource, not searchable
  const local = LOCAL_REFERENCE.exec(reference);
  if (local) {
    rows.reference.push({ param: code, targetType: local[1], targetId: local[2], targetUrl: null, ...g });
    return;
  }
  const absolute = ABSOLUTE_REFERENCE.exec(reference);
  rows.reference.push({ param: code, targetType: absolute?.[1] ?? null, targetId: absolute?.[2] ?? null, targetUrl: reference, ...g });
}
