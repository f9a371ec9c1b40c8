/** URL query → SearchRequest. No SQL here: the parser is tested without a database. */
import { badRequest } from '../errors';
import { getSearchParam, ROW_PARAMS } from './registry';
import { DEFAULT_COUNT, MAX_COUNT, Prefix, SearchFilter, SearchRequest, SearchValue, SortRule } from './search-request';

const PREFIXES = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);
const RESULT_PARAMS = new Set(['_count', '_offset', '_sort', '_total', '_summary', '_elements', '_include', '_revinclude', '_format', '_pretty', '_cursor']);

export function parseSearchQuery(resourceType: string, query: Record<string, string[]>): SearchRequest {
  const request: SearchRequest = {
    resourceType, filters: [], sort: [], count: DEFAULT_COUNT, offset: 0, total: 'none', include: [], revinclude: [], unknown: [],
  };
  for (const [name, values] of Object.entries(query)) {
    for (const value of values) {
      if (RESULT_PARAMS.has(name)) applyResultParam(request, name, value);
      else addFilter(request, name, value);
    }
  }
  return request;
}

function applyResultParam(request: SearchRequest, name: string, value: string): void {
  switch (name) {
    case '_count':
      request.count = Math.min(parseNonNegative(name, value), MAX_COUNT);
      return;
    case '_offset':
      request.offset = parseNonNegative(name, value);
      return;
    case '_sort':
      request.sort.push(...value.split(',').filter(Boolean).map(parseSort));
      return;
    case '_total':
      if (value !== 'none' && value !== 'estimate' && value !== 'accurate') throw badRequest(`Invalid _total: ${value}`);
      request.total = value;
      return;
    case '_summary':
      request.summary = value;
      return;
    case '_elements':
      request.elements = value.split(',').map((e) => e.trim()).filter(Boolean);
      return;
    case '_include':
      request.include.push(value);
      return;
    case '_revinclude':
      request.revinclude.push(value);
      return;
    default:
      return; // _format, _pretty, _cursor: handled by the response writer / pager
  }
}

function parseNonNegative(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid ${name}: ${value}`);
  return n;
}

function parseSort(key: string): SortRule {
  const descending = key.startsWith('-');
  return { code: descending ? key.slice(1) : key, descending };
}

function addFilter(request: SearchRequest, name: string, value: string): void {
  const [codeAndModifier] = name.split('.');
  const [code, modifier] = codeAndModifier.split(':');
  if (name.includes('.') || code === '_has') {
    request.unknown.push(name); // chains and _has: answered by the full search engine
    return;
  }
  const param = ROW_PARAMS.has(code) ? { type: code === '_id' ? 'token' : 'date' } : getSearchParam(request.resourceType, code);
  if (!param) {
    request.unknown.push(name);
    return;
  }
  const filter: SearchFilter = { code, modifier, values: splitValues(value).map((v) => parseValue(v, param.type)) };
  request.filters.push(filter);
}

/** Splits on commas that are not escaped with a backslash, and unescapes `\,`, `\$`, `\|`, `\\`. */
export function splitValues(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[++i];
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function parseValue(value: string, type: string): SearchValue {
  if ((type === 'date' || type === 'number' || type === 'quantity') && PREFIXES.has(value.slice(0, 2)) && /^[a-z]{2}[\d-]/.test(value)) {
    return { prefix: value.slice(0, 2) as Prefix, raw: value.slice(2) };
  }
  return { raw: value };
}
