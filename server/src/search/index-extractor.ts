/**
 * Turns a resource into its search-index rows: each registered parameter's FHIRPath expression is evaluated and
 * the values are shaped per parameter type (HAPI-style: string, token, date range, number, quantity, uri, reference).
 */
import { evalFhirPathTyped, toTypedValue, TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { emptyIndexRows, IndexRows } from '../store/index-rows';
import { MAX_INSTANT, MIN_INSTANT, parseDateRange } from './dates';
import { normalizeString } from './normalize';
import { RegisteredParam, searchParamsFor } from './registry';

type Obj = Record<string, any>;

export function extractIndexRows(resource: Resource): IndexRows {
  const rows = emptyIndexRows();
  const input = [toTypedValue(resource)];
  for (const param of searchParamsFor(resource.resourceType).values()) {
    if (!param.expression) continue;
    let values: TypedValue[];
    try {
      values = evalFhirPathTyped(param.expression, input);
    } catch {
      continue; // an expression that cannot evaluate on this resource indexes nothing (the matcher agrees)
    }
    const before = countRows(rows);
    for (const value of values) addValue(rows, param, value);
    if (countRows(rows) > before) rows.present.push(param.code);
  }
  return rows;
}

function countRows(rows: IndexRows): number {
  return rows.string.length + rows.token.length + rows.date.length + rows.number.length + rows.quantity.length +
    rows.uri.length + rows.reference.length;
}

function addValue(rows: IndexRows, param: RegisteredParam, typed: TypedValue): void {
  const { type } = typed;
  const value = typed.value as any;
  if (value === undefined || value === null) return;
  switch (param.type) {
    case 'string':
      for (const text of stringsOf(type, value)) rows.string.push({ param: param.code, valueNorm: normalizeString(text), valueExact: text });
      return;
    case 'token':
      addTokens(rows, param.code, type, value);
      return;
    case 'date':
      for (const range of dateRangesOf(type, value)) rows.date.push({ param: param.code, low: range.low.toISOString(), high: range.high.toISOString() });
      return;
    case 'number':
      addNumber(rows, param.code, value);
      return;
    case 'quantity':
      addQuantity(rows, param.code, type, value);
      return;
    case 'uri':
      if (typeof value === 'string') rows.uri.push({ param: param.code, value });
      return;
    case 'reference':
      addReference(rows, param.code, type, value);
      return;
    default:
      return; // composite and special are answered by the search engine from other rows
  }
}

function stringsOf(type: string, value: any): string[] {
  if (typeof value === 'string') return [value];
  if (type === 'HumanName') {
    const parts = [value.text, value.family, ...(value.given ?? []), ...(value.prefix ?? []), ...(value.suffix ?? [])];
    return parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  }
  if (type === 'Address') {
    const parts = [value.text, ...(value.line ?? []), value.city, value.district, value.state, value.postalCode, value.country];
    return parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  }
  if (typeof value === 'object') {
    return Object.values(value as Obj).filter((v): v is string => typeof v === 'string');
  }
  return [String(value)];
}

function addTokens(rows: IndexRows, param: string, type: string, value: any): void {
  const push = (system: string | undefined, code: string | undefined, text?: string) =>
    rows.token.push({ param, system: system ?? null, code: code ?? null, textNorm: text ? normalizeString(text) : null });
  switch (type) {
    case 'CodeableConcept':
      for (const coding of (value.coding ?? []) as Obj[]) push(coding.system, coding.code, coding.display ?? value.text);
      if (value.text && !(value.coding ?? []).length) push(undefined, undefined, value.text);
      else if (value.text) rows.token.push({ param, system: null, code: null, textNorm: normalizeString(value.text) });
      return;
    case 'Coding':
      push(value.system, value.code, value.display);
      return;
    case 'Identifier':
      push(value.system, value.value, value.type?.text);
      for (const coding of (value.type?.coding ?? []) as Obj[]) {
        if (coding.code && value.value) {
          rows.token.push({ param: `${param}:of-type`, system: coding.system ?? null, code: `${coding.code}|${value.value}`, textNorm: null });
        }
      }
      return;
    case 'ContactPoint':
      push(value.system, value.value);
      return;
    case 'boolean':
      push(undefined, String(value));
      return;
    default:
      if (typeof value === 'string' || typeof value === 'number') push(undefined, String(value));
  }
}

function dateRangesOf(type: string, value: any): { low: Date; high: Date }[] {
  if (typeof value === 'string') {
    const range = parseDateRange(value);
    return range ? [range] : [];
  }
  if (type === 'Period') {
    const low = value.start ? parseDateRange(value.start)?.low : MIN_INSTANT;
    const high = value.end ? parseDateRange(value.end)?.high : MAX_INSTANT;
    return low && high ? [{ low, high }] : [];
  }
  if (type === 'Timing') {
    const ranges = ((value.event ?? []) as string[]).flatMap((event) => dateRangesOf('dateTime', event));
    if (value.repeat?.boundsPeriod) ranges.push(...dateRangesOf('Period', value.repeat.boundsPeriod));
    return ranges;
  }
  return [];
}

function addNumber(rows: IndexRows, param: string, value: any): void {
  if (typeof value !== 'number') return;
  const [low, high] = precisionRange(value);
  rows.number.push({ param, value: String(value), low, high });
}

function addQuantity(rows: IndexRows, param: string, type: string, value: any): void {
  if (type === 'Range') {
    if (value.low?.value !== undefined || value.high?.value !== undefined) {
      const unit = value.low ?? value.high;
      rows.quantity.push({
        param, system: unit.system ?? null, code: unit.code ?? unit.unit ?? null,
        value: String(value.low?.value ?? value.high?.value),
        low: String(value.low?.value ?? -1e30), high: String(value.high?.value ?? 1e30),
      });
    }
    return;
  }
  if (typeof value?.value !== 'number') return;
  const [low, high] = precisionRange(value.value);
  rows.quantity.push({ param, system: value.system ?? null, code: value.code ?? value.unit ?? null, value: String(value.value), low, high });
}

/** The implicit range of a decimal's precision: 100 → [99.5, 100.5), 1.50 → [1.495, 1.505). */
function precisionRange(value: number): [string, string] {
  const text = String(value);
  const decimals = text.includes('.') && !text.includes('e') ? text.split('.')[1].length : 0;
  const half = 0.5 * 10 ** -decimals;
  return [(value - half).toFixed(decimals + 1), (value + half).toFixed(decimals + 1)];
}

function addReference(rows: IndexRows, param: string, type: string, value: any): void {
  let reference: string | undefined;
  if (type === 'Reference') {
    reference = value.reference;
    if (value.identifier?.value) {
      rows.token.push({ param: `${param}:identifier`, system: value.identifier.system ?? null, code: value.identifier.value, textNorm: null });
    }
  } else if (typeof value === 'string') {
    reference = value; // canonical / uri references
  }
  if (!reference) return;
  // Relative references point into this server; absolute ones keep their URL.
  const local = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  if (local) {
    rows.reference.push({ param, targetType: local[1], targetId: local[2], targetUrl: reference });
  } else {
    rows.reference.push({ param, targetType: null, targetId: null, targetUrl: reference });
  }
}
