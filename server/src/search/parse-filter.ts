/**
 * One search parameter (name and value) → a SearchFilter: plain parameters with their modifier and values,
 * chains (`subject:Patient.name`), and reverse chains (`_has:Observation:patient:code`). No SQL here.
 * Returns a reason string when the parameter is unknown or unsupported (the caller reports or refuses it);
 * throws a 400 when the parameter is known but its value is malformed.
 */
import { isResourceType } from '@medplum/core';
import { badRequest } from '../errors';
import { parseDateRange } from './dates';
import { getSearchParam, isSearchable, RegisteredParam, ROW_PARAMS } from './registry';
import { MAX_CHAIN_DEPTH, ParamFilter, Prefix, SearchFilter, SearchValue } from './search-request';
import { hierarchyReference } from './reference-hierarchies';
import { splitValues, unescapeValue } from './values';

const PREFIXES = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);
const UNSUPPORTED = new Set(['_text', '_content', '_query', '_filter']);

const MODIFIERS: Record<string, Set<string>> = {
  string: new Set(['exact', 'contains', 'missing']),
  token: new Set(['not', 'text', 'of-type', 'in', 'not-in', 'above', 'below', 'missing']),
  reference: new Set(['identifier', 'above', 'below', 'missing']),
  date: new Set(['missing']),
  number: new Set(['missing']),
  quantity: new Set(['missing']),
  uri: new Set(['above', 'below', 'missing']),
  composite: new Set(['missing']),
  id: new Set(['not', 'missing']),
  lastUpdated: new Set(['missing']),
  list: new Set([]),
};

export interface FilterContext {
  /** Our FHIR base URL: references written as absolute URLs to it are read as local references. */
  baseUrl?: string;
}

export type ParsedFilter = { filter: SearchFilter } | { unsupported: string };

/** The parameter as it applies to every type in `types` (system search needs it on all of them, with one type). */
export function lookupParam(types: string[], code: string): RegisteredParam | undefined {
  let found: RegisteredParam | undefined;
  for (const type of types) {
    const param = getSearchParam(type, code);
    if (!param || (found && found.type !== param.type)) return undefined;
    found ??= param;
  }
  return found;
}

export function parseFilter(types: string[], name: string, value: string, ctx: FilterContext, depth = 0): ParsedFilter {
  if (name.startsWith('_has:')) return parseHas(types, name, value, ctx, depth);
  const dot = name.indexOf('.');
  if (dot >= 0) return parseChain(types, name.slice(0, dot), name.slice(dot + 1), value, ctx, depth);
  const [code, modifier] = splitModifier(name);
  if (UNSUPPORTED.has(code)) return { unsupported: `${code} is not supported` };
  if (code === '_list') return plainFilter(code, 'list', modifier, value);
  const param = lookupParam(types, code);
  if (!param) return { unsupported: `unknown search parameter ${code}${types.length === 1 ? ` for ${types[0]}` : ''}` };
  if (!isSearchable(param)) return { unsupported: `search parameter ${code} (${param.type}) is not supported` };
  const type = code === '_id' ? 'id' : code === '_lastUpdated' ? 'lastUpdated' : param.type;
  if (modifier && type === 'reference' && !MODIFIERS.reference.has(modifier)) {
    if (!isResourceType(modifier)) return { unsupported: `modifier :${modifier} is not supported on ${code}` };
    if (!acceptsTarget(param, modifier)) return { unsupported: `${code} cannot refer to ${modifier}` };
    return plainFilter(code, type, modifier, value, ctx);
  }
  if (modifier && !MODIFIERS[type]?.has(modifier)) return { unsupported: `modifier :${modifier} is not supported on ${code} (${type})` };
  if (type === 'reference' && (modifier === 'above' || modifier === 'below')) return hierarchyFilter(param, modifier, value, ctx);
  return plainFilter(code, type, modifier, value, ctx);
}

/** `location:below=Location/X`: each value becomes `Type/id` of a type with a partOf hierarchy (reference-hierarchies.ts). */
function hierarchyFilter(param: RegisteredParam, modifier: 'above' | 'below', value: string, ctx: FilterContext): ParsedFilter {
  const parsed = plainFilter(param.code, 'reference', modifier, value, ctx);
  if (!('filter' in parsed) || parsed.filter.kind !== 'param') return parsed;
  const values: SearchValue[] = [];
  for (const { raw } of parsed.filter.values) {
    const target = hierarchyReference(param, unescapeValue(raw));
    if ('unsupported' in target) return target;
    values.push({ raw: `${target.type}/${target.id}` });
  }
  return { filter: { ...parsed.filter, values } };
}

function splitModifier(name: string): [string, string | undefined] {
  const colon = name.indexOf(':');
  return colon < 0 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
}

function acceptsTarget(param: RegisteredParam, type: string): boolean {
  return param.targets.length === 0 || param.targets.includes(type) || param.targets.includes('Resource' as never);
}

function plainFilter(code: string, type: ParamFilter['type'], modifier: string | undefined, value: string, ctx: FilterContext = {}): ParsedFilter {
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw badRequest(`${code}:missing takes true or false, not "${value}"`);
    return { filter: { kind: 'param', code, type, modifier, values: [{ raw: value }] } };
  }
  const values = splitValues(value).filter((v) => v !== '').map((v) => parseValue(code, type, modifier, v, ctx));
  if (values.length === 0) return { unsupported: `${code} has no value` };
  return { filter: { kind: 'param', code, type, ...(modifier ? { modifier } : {}), values } };
}

function parseValue(code: string, type: ParamFilter['type'], modifier: string | undefined, value: string, ctx: FilterContext): SearchValue {
  switch (type) {
    case 'date':
    case 'lastUpdated': {
      const { prefix, raw } = splitPrefix(value);
      if (!parseDateRange(raw)) throw badRequest(`Invalid date for ${code}: "${value}"`);
      return withPrefix(prefix, raw);
    }
    case 'number':
    case 'quantity': {
      const { prefix, raw } = splitPrefix(value);
      const number = type === 'quantity' ? raw.split('|')[0] : raw;
      if (!isDecimal(number)) throw badRequest(`Invalid ${type} for ${code}: "${value}"`);
      return withPrefix(prefix, raw);
    }
    case 'reference':
      return { raw: modifier === 'identifier' ? value : localReference(value, ctx.baseUrl) };
    default:
      return { raw: value };
  }
}

/** A decimal PostgreSQL's numeric reads as the same number: no hex/binary forms, at most 100 characters, |exponent| < 1000. */
export function isDecimal(text: string): boolean {
  return text.length <= 100 && /^[-+]?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d{1,3})?$/.test(text);
}

export function splitPrefix(value: string): { prefix?: Prefix; raw: string } {
  const candidate = value.slice(0, 2);
  if (PREFIXES.has(candidate) && value.length > 2) return { prefix: candidate as Prefix, raw: value.slice(2) };
  return { raw: value };
}

function withPrefix(prefix: Prefix | undefined, raw: string): SearchValue {
  return prefix ? { prefix, raw } : { raw };
}

/** `http://our.base/fhir/Patient/1` → `Patient/1`; everything else unchanged. */
function localReference(value: string, baseUrl: string | undefined): string {
  if (baseUrl && value.startsWith(`${baseUrl}/`)) return value.slice(baseUrl.length + 1);
  return value;
}

function parseChain(types: string[], head: string, rest: string, value: string, ctx: FilterContext, depth: number): ParsedFilter {
  if (depth + 1 > MAX_CHAIN_DEPTH) return { unsupported: `chains longer than ${MAX_CHAIN_DEPTH} are not supported` };
  const [code, typeModifier] = splitModifier(head);
  const param = lookupParam(types, code);
  if (!param || param.type !== 'reference') return { unsupported: `${code} is not a reference parameter, so it cannot be chained` };
  if (typeModifier && (!isResourceType(typeModifier) || !acceptsTarget(param, typeModifier))) {
    return { unsupported: `${code} cannot refer to ${typeModifier}` };
  }
  const [nextCode] = splitModifier(rest.split('.')[0]);
  const candidates = typeModifier ? [typeModifier] : param.targets.filter((t) => isResourceType(t));
  const targetTypes = nextCode.startsWith('_has') ? candidates : candidates.filter((t) => getSearchParam(t, nextCode));
  if (targetTypes.length === 0) return { unsupported: `no target of ${code} has a search parameter ${nextCode}` };
  const next = parseFilter(targetTypes, rest, value, ctx, depth + 1);
  if ('unsupported' in next) return next;
  return { filter: { kind: 'chain', code, targetTypes, next: next.filter } };
}

/** `_has:Observation:patient:code` or nested `_has:Observation:patient:_has:AuditEvent:entity:agent`. */
function parseHas(types: string[], name: string, value: string, ctx: FilterContext, depth: number): ParsedFilter {
  if (depth + 1 > MAX_CHAIN_DEPTH) return { unsupported: `_has nested deeper than ${MAX_CHAIN_DEPTH} is not supported` };
  const parts = name.split(':');
  if (parts.length < 4) return { unsupported: '_has needs the form _has:Type:reference:parameter' };
  const [, sourceType, referenceParam] = parts;
  const rest = parts.slice(3).join(':');
  if (!isResourceType(sourceType)) return { unsupported: `_has: unknown resource type ${sourceType}` };
  const reference = getSearchParam(sourceType, referenceParam);
  if (!reference || reference.type !== 'reference') return { unsupported: `_has: ${referenceParam} is not a reference parameter of ${sourceType}` };
  if (types.length > 0 && !types.every((t) => acceptsTarget(reference, t))) {
    return { unsupported: `_has: ${sourceType}.${referenceParam} cannot refer to ${types.join(', ')}` };
  }
  const next = parseFilter([sourceType], rest, value, ctx, depth + 1);
  if ('unsupported' in next) return next;
  return { filter: { kind: 'has', sourceType, referenceParam, next: next.filter } };
}

/** Parameters answered from the row (for `_sort` and system search). */
export function isRowParam(code: string): boolean {
  return ROW_PARAMS.has(code);
}
