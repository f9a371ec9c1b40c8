/**
 * The R4 search rules (https://hl7.org/fhir/R4/search.html) as small in-memory predicates, written independently of
 * the server's SQL: the referee when the SQL result and @medplum/core's matchesSearchRequest disagree, and the
 * oracle for what Medplum's matcher does not implement (number, quantity, chains, _has). Values are extracted with
 * Medplum's FHIRPath from each SearchParameter's expression.
 */
import { evalFhirPathTyped, getSearchParameter, toTypedValue, TypedValue } from '@medplum/core';
import type { Resource, SearchParameter } from '@medplum/fhirtypes';

export interface OracleFilter {
  code: string;
  modifier?: string;
  /** OR-ed values as written (with their prefix, if any). */
  values: string[];
}

const norm = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

const evaluated = new WeakMap<Resource, Map<string, TypedValue[]>>();

/** The parameter's values in the resource (memoised: the oracle asks the same question many times). */
export function valuesOf(resource: Resource, param: SearchParameter): TypedValue[] {
  let byExpression = evaluated.get(resource);
  if (!byExpression) evaluated.set(resource, (byExpression = new Map()));
  let values = byExpression.get(param.expression!);
  if (!values) {
    try {
      values = evalFhirPathTyped(param.expression!, [toTypedValue(resource)]);
    } catch {
      values = [];
    }
    byExpression.set(param.expression!, values);
  }
  return values;
}

/** Does `resource` match one filter (values OR-ed), per the spec? */
export function specMatches(resource: Resource, filter: OracleFilter): boolean {
  const param = getSearchParameter(resource.resourceType, filter.code);
  if (!param) throw new Error(`no parameter ${filter.code} on ${resource.resourceType}`);
  const values = valuesOf(resource, param);
  if (filter.modifier === 'missing') return (values.length === 0) === (filter.values[0] === 'true');
  if (filter.code === '_id') return filter.values.includes(resource.id!) !== (filter.modifier === 'not');
  if (param.type === 'token' && filter.modifier === 'not') {
    return !filter.values.some((v) => values.some((tv) => tokenMatches(tv, v)));
  }
  return filter.values.some((v) => values.some((tv) => valueMatches(param, tv, filter.modifier, v)));
}

function valueMatches(param: SearchParameter, typed: TypedValue, modifier: string | undefined, search: string): boolean {
  switch (param.type) {
    case 'string': return stringMatches(typed, modifier, search);
    case 'token': return modifier === 'text' ? tokenTextMatches(typed, search) : tokenMatches(typed, search);
    case 'date': return dateMatches(typed, search);
    case 'reference': return referenceMatches(typed, modifier, search);
    case 'number': return numberMatches(typed.value, search);
    case 'quantity': return quantityMatches(typed.value, search);
    case 'uri': return typed.value === search;
    default: throw new Error(`oracle has no rule for ${param.type}`);
  }
}

/** §string: starts with (or :contains / :exact) after case and accent normalisation, on any part of a name/address. */
function stringMatches(typed: TypedValue, modifier: string | undefined, search: string): boolean {
  return stringParts(typed).some((part) => {
    if (modifier === 'exact') return part === search;
    if (modifier === 'contains') return norm(part).includes(norm(search));
    return norm(part).startsWith(norm(search));
  });
}

function stringParts(typed: TypedValue): string[] {
  const v = typed.value;
  if (typeof v === 'string') return [v];
  if (typed.type === 'HumanName') {
    return [v.text, v.family, ...(v.given ?? []), ...(v.prefix ?? []), ...(v.suffix ?? []), [...(v.given ?? []), v.family].filter(Boolean).join(' ')]
      .filter(Boolean);
  }
  if (typed.type === 'Address') return [v.text, ...(v.line ?? []), v.city, v.district, v.state, v.postalCode, v.country].filter(Boolean);
  return [];
}

interface Token { system?: string; code?: string; text: string[] }

function tokensOf(typed: TypedValue): Token[] {
  const v = typed.value;
  switch (typed.type) {
    case 'CodeableConcept':
      return [...(v.coding ?? []).map((c: { system?: string; code?: string; display?: string }) => ({ system: c.system, code: c.code, text: [c.display, v.text].filter(Boolean) })),
        ...(v.text ? [{ text: [v.text] }] : [])];
    case 'Coding': return [{ system: v.system, code: v.code, text: [v.display].filter(Boolean) }];
    case 'Identifier': return [{ system: v.system, code: v.value, text: [v.type?.text].filter(Boolean) }];
    case 'ContactPoint': return [{ system: v.system, code: v.value, text: [] }];
    default: return typeof v === 'object' ? [] : [{ code: String(v), text: [] }];
  }
}

/** §token: codes compare exactly (case-sensitive); `|code` means no system; `system|` any code of the system. */
export function tokenMatches(typed: TypedValue, search: string): boolean {
  const bar = search.indexOf('|');
  return tokensOf(typed).some((token) => {
    if (bar < 0) return token.code === search;
    const system = search.slice(0, bar);
    const code = search.slice(bar + 1);
    if (system === '') return token.code === code && !token.system;
    if (code === '') return token.system === system;
    return token.system === system && token.code === code;
  });
}

function tokenTextMatches(typed: TypedValue, search: string): boolean {
  const s = norm(search);
  return tokensOf(typed).some((t) => t.text.some((text) => norm(text).startsWith(s) || norm(text).includes(` ${s}`)));
}

/** A date/dateTime/instant as the [low, high] milliseconds its precision covers (no zone → UTC). */
export function dateRange(text: string): [number, number] | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let offset = 0;
  if (zone && zone !== 'Z') offset = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  const at = (...parts: number[]) => Date.UTC(parts[0], parts[1] ?? 0, parts[2] ?? 1, parts[3] ?? 0, parts[4] ?? 0, parts[5] ?? 0, parts[6] ?? 0) - offset;
  if (!mo) return [at(+y), at(+y + 1) - 1];
  if (!d) return [at(+y, +mo - 1), at(+y, +mo) - 1];
  if (!h) return [at(+y, +mo - 1, +d), at(+y, +mo - 1, +d + 1) - 1];
  if (!s) return [at(+y, +mo - 1, +d, +h, +mi), at(+y, +mo - 1, +d, +h, +mi + 1) - 1];
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const low = at(+y, +mo - 1, +d, +h, +mi, +s, ms);
  return [low, frac ? low : low + 999];
}

function targetRanges(typed: TypedValue): [number, number][] {
  const v = typed.value;
  if (typeof v === 'string') return [dateRange(v)].filter((r): r is [number, number] => !!r);
  if (typed.type === 'Period' && (v.start || v.end)) {
    return [[v.start ? dateRange(v.start)![0] : -Infinity, v.end ? dateRange(v.end)![1] : Infinity]];
  }
  if (typed.type === 'Timing') {
    return [...(v.event ?? []).map((e: string) => dateRange(e)!), ...(v.repeat?.boundsPeriod ? targetRanges({ type: 'Period', value: v.repeat.boundsPeriod }) : [])];
  }
  return [];
}

export function splitPrefix(search: string): [string, string] {
  const prefix = search.slice(0, 2);
  return PREFIXES.includes(prefix) && search.length > 2 ? [prefix, search.slice(2)] : ['eq', search];
}

/** §date prefixes as range relations between the search range [lo, hi] and the target range [tl, th]. */
function dateMatches(typed: TypedValue, search: string): boolean {
  const [prefix, text] = splitPrefix(search);
  const [lo, hi] = dateRange(text)!;
  return targetRanges(typed).some(([tl, th]) => rangeRelation(prefix, lo, hi, tl, th));
}

function rangeRelation(prefix: string, lo: number, hi: number, tl: number, th: number): boolean {
  const contained = tl >= lo && th <= hi;
  switch (prefix) {
    case 'eq': return contained;
    case 'ne': return !contained;
    case 'gt': return th > hi;
    case 'lt': return tl < lo;
    case 'ge': return th > hi || contained;
    case 'le': return tl < lo || contained;
    case 'sa': return tl > hi;
    case 'eb': return th < lo;
    default: throw new Error(`oracle does not judge prefix ${prefix}`);
  }
}

/** §reference: `Type/id` exactly; a bare id matches a local reference to it of any type; URLs compare whole. */
function referenceMatches(typed: TypedValue, modifier: string | undefined, search: string): boolean {
  const v = typed.value;
  const reference: string | undefined = typeof v === 'string' ? v : v?.reference;
  if (!reference) return false;
  const local = reference.replace(/\/_history\/.*$/, '');
  if (modifier && modifier !== 'missing') return local === `${modifier}/${search}`;
  if (search.includes('/')) return local === search;
  return /^[A-Z][A-Za-z]+\/[^/]+$/.test(local) && local.endsWith(`/${search}`);
}

/** A decimal string as an integer count of 10^-scale (exact, unlike floats). */
function scaled(text: string, scale: number): bigint {
  const [whole, fraction = ''] = text.replace(/^\+/, '').split('.');
  const negative = whole.startsWith('-');
  const digits = `${whole.replace('-', '')}${fraction.padEnd(scale, '0').slice(0, scale)}`;
  return (negative ? -1n : 1n) * BigInt(digits || '0');
}

/** §number: the search value stands for the interval its significant digits imply; eq = inside it. */
function numberMatches(value: unknown, search: string): boolean {
  const n = typeof value === 'number' ? value : (value as { value?: number })?.value;
  if (typeof n !== 'number') return false;
  const [prefix, text] = splitPrefix(search);
  const decimals = text.includes('.') ? text.split('.')[1].length : 0;
  const scale = Math.max(decimals + 1, String(n).includes('.') ? String(n).split('.')[1].length : 0);
  const target = scaled(text, scale);
  const v = scaled(String(n), scale);
  const half = 5n * 10n ** BigInt(scale - decimals - 1);
  const inside = v >= target - half && v < target + half;
  switch (prefix) {
    case 'eq': return inside;
    case 'ne': return !inside;
    case 'gt': case 'sa': return v > target;
    case 'lt': case 'eb': return v < target;
    case 'ge': return v >= target;
    case 'le': return v <= target;
    default: throw new Error(`oracle does not judge prefix ${prefix}`);
  }
}

/** §quantity: number rules, plus `system|code` (code or, without a system, unit). */
function quantityMatches(value: { value?: number; system?: string; code?: string; unit?: string } | undefined, search: string): boolean {
  const [number, system, code] = search.split('|');
  if (!value || !numberMatches(value.value, number)) return false;
  if (system === undefined || !code) return true;
  if (system === '') return value.code === code || value.unit === code;
  return value.system === system && value.code === code;
}
