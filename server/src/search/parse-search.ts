/**
 * URL query → SearchRequest: result parameters (_count, _sort, _include, …) here, filters in parse-filter.ts.
 * No SQL here: the parser is tested without a database. Unknown parameters are collected, never silently dropped.
 */
import { isResourceType } from '@medplum/core';
import { badRequest } from '../errors';
import { isRowParam, lookupParam, parseFilter } from './parse-filter';
import { MAX_HIERARCHY_DEPTH } from './reference-hierarchies';
import { getSearchParam } from './registry';
import {
  DEFAULT_COUNT, IncludeTarget, MAX_COUNT, MAX_FILTERS, MAX_INCLUDE_PARAMS, MAX_SORT_KEYS, MAX_VALUES_PER_FILTER, SearchFilter,
  SearchRequest, SortRule,
} from './search-request';

export interface ParseOptions {
  /** Our FHIR base URL (absolute references to it are local). */
  baseUrl?: string;
  /** System search: the type list comes from `_type`. */
  system?: boolean;
}

/** Accepted and shown in links, but they change the representation, not the result. */
const FORMAT_PARAMS = new Set(['_format', '_pretty']);
const SUMMARY_VALUES = new Set(['true', 'false', 'text', 'data', 'count']);
const SORTABLE = new Set(['string', 'token', 'date', 'number', 'quantity', 'uri', 'reference']);

export function parseSearchQuery(resourceType: string, query: Record<string, string[]>, options: ParseOptions = {}): SearchRequest {
  const request: SearchRequest = {
    resourceType: options.system ? '' : resourceType,
    filters: [], sort: [], count: DEFAULT_COUNT, total: 'none', include: [], revinclude: [],
    unknown: [], unknownReasons: Object.create(null) as Record<string, string>, notes: [], applied: [],
  };
  if (options.system) request.types = parseTypes(query._type);
  const types = searchedTypes(request);
  for (const [name, values] of Object.entries(query)) {
    for (const value of values) {
      const reason = applyParameter(request, types, name, value, options);
      // _count as applied (lowered to the maximum if it was above), so the self link shows the search performed
      if (reason === undefined) request.applied.push([name, name === '_count' ? String(request.count) : value]);
      else if (reason !== '') reportUnknown(request, name, reason);
    }
  }
  checkSearchLimits(request);
  return request;
}

/** A search costs SQL in proportion to what it asks: bounded here, with the limit named (docs/operations.md). */
function checkSearchLimits(request: SearchRequest): void {
  if (request.sort.length > MAX_SORT_KEYS) throw badRequest(`_sort has ${request.sort.length} keys; at most ${MAX_SORT_KEYS} are allowed`, ['_sort']);
  const includes = request.include.length + request.revinclude.length;
  if (includes > MAX_INCLUDE_PARAMS) throw badRequest(`${includes} _include/_revinclude values; at most ${MAX_INCLUDE_PARAMS} are allowed in one search`, ['_include']);
  if (request.filters.length > MAX_FILTERS) throw badRequest(`${request.filters.length} search parameters; at most ${MAX_FILTERS} are allowed in one search`);
  for (const filter of request.filters) {
    const { code, values } = innermost(filter);
    if (values > MAX_VALUES_PER_FILTER) throw badRequest(`${code} has ${values} values; at most ${MAX_VALUES_PER_FILTER} are allowed in one parameter`, [code]);
  }
}

function innermost(filter: SearchFilter): { code: string; values: number } {
  return filter.kind === 'param' ? { code: filter.code, values: filter.values.length } : innermost(filter.next);
}

/** The types whose parameters a filter may use: the searched type, the `_type` list, or (all types) Resource. */
export function searchedTypes(request: SearchRequest): string[] {
  if (request.resourceType) return [request.resourceType];
  return request.types && request.types.length > 0 ? request.types : ['Resource'];
}

function reportUnknown(request: SearchRequest, name: string, reason: string): void {
  if (!request.unknown.includes(name)) request.unknown.push(name);
  request.unknownReasons[name] = reason;
}

function parseTypes(values: string[] | undefined): string[] {
  const types = (values ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const type of types) if (!isResourceType(type)) throw badRequest(`_type: unknown resource type ${type}`);
  return [...new Set(types)];
}

/** Applies one name=value. Returns undefined when applied, a reason when not applied, '' when silently consumed. */
function applyParameter(request: SearchRequest, types: string[], name: string, value: string, options: ParseOptions): string | undefined {
  const [base, modifier] = name.split(':', 2);
  switch (base) {
    case '_count':
      request.count = parseCount(value, request);
      return undefined;
    case '_cursor':
      request.cursor = value;
      return '';
    case '_sort':
      return parseSort(request, types, value);
    case '_total':
      if (value !== 'none' && value !== 'estimate' && value !== 'accurate') throw badRequest(`Invalid _total: ${value} (expected none, estimate or accurate)`);
      request.total = value;
      return undefined;
    case '_summary':
      if (!SUMMARY_VALUES.has(value)) throw badRequest(`Invalid _summary: ${value} (expected true, false, text, data or count)`);
      request.summary = value as SearchRequest['summary'];
      return undefined;
    case '_elements':
      request.elements = value.split(',').map((e) => e.trim()).filter(Boolean);
      return undefined;
    case '_include':
    case '_revinclude':
      return parseInclude(request, base, modifier, value);
    case '_type':
      return options.system ? undefined : '_type applies only to a system-wide search';
    case '_contained':
      return value === 'false' ? undefined : '_contained=true/both is not supported (contained resources are not searched)';
    case '_containedType':
      return '_containedType is not supported';
    case '_offset':
      return '_offset is not supported: page with the next/previous links';
    default:
      if (FORMAT_PARAMS.has(base)) return undefined;
      break;
  }
  const parsed = parseFilter(types, name, value, { baseUrl: options.baseUrl });
  if ('unsupported' in parsed) return parsed.unsupported;
  request.filters.push(parsed.filter);
  if (followsHierarchy(parsed.filter)) {
    addNote(request, `${name} follows partOf up to ${MAX_HIERARCHY_DEPTH} levels from the named resource (a deeper or cyclic hierarchy stops there)`);
  }
  return undefined;
}

function followsHierarchy(filter: SearchFilter): boolean {
  return filter.kind === 'param' && filter.type === 'reference' && (filter.modifier === 'above' || filter.modifier === 'below');
}

function addNote(request: SearchRequest, note: string): void {
  if (!request.notes.includes(note)) request.notes.push(note);
}

function parseCount(value: string, request: SearchRequest): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid _count: ${value}`);
  if (n > MAX_COUNT) {
    request.notes.push(`_count=${n} was lowered to the maximum page size ${MAX_COUNT}`);
    return MAX_COUNT;
  }
  return n;
}

function parseSort(request: SearchRequest, types: string[], value: string): string | undefined {
  const rules: SortRule[] = [];
  for (const key of value.split(',').map((k) => k.trim()).filter(Boolean)) {
    const descending = key.startsWith('-');
    const code = descending ? key.slice(1) : key;
    if (!isRowParam(code)) {
      const param = lookupParam(types, code);
      if (!param) return `cannot sort by unknown parameter ${code}`;
      if (!SORTABLE.has(param.type)) return `cannot sort by ${code} (${param.type})`;
    }
    rules.push({ code, descending });
  }
  request.sort.push(...rules);
  return undefined;
}

/** `Type:param[:Target]`, `Type:*`, or `*`; modifier `iterate` (or R3's `recurse`). */
function parseInclude(request: SearchRequest, kind: '_include' | '_revinclude', modifier: string | undefined, value: string): string | undefined {
  if (modifier && modifier !== 'iterate' && modifier !== 'recurse') return `${kind}:${modifier} is not supported`;
  const iterate = modifier === 'iterate' || modifier === 'recurse';
  const target = parseIncludeTarget(value, iterate);
  if (typeof target === 'string') return target;
  if (kind === '_include') request.include.push(target);
  else request.revinclude.push(target);
  return undefined;
}

function parseIncludeTarget(value: string, iterate: boolean): IncludeTarget | string {
  if (value === '*') return { sourceType: '*', param: '*', iterate };
  const [sourceType, param, targetType, ...extra] = value.split(':');
  if (extra.length > 0 || !param) return `include value must be Type:parameter[:TargetType], not "${value}"`;
  if (!isResourceType(sourceType)) return `unknown resource type ${sourceType} in "${value}"`;
  if (targetType !== undefined && !isResourceType(targetType)) return `unknown target type ${targetType} in "${value}"`;
  if (param !== '*') {
    const definition = getSearchParam(sourceType, param);
    if (!definition || definition.type !== 'reference') return `${sourceType}:${param} is not a reference parameter`;
  }
  return { sourceType, param, ...(targetType ? { targetType } : {}), iterate };
}
