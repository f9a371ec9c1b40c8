/**
 * The $expand answer: the value set with one page of its expansion, optionally filtered by text (`filter` matches
 * the start of the code or of any word of the display, every word of the filter must match).
 */
import { randomUUID } from 'node:crypto';
import type { ValueSet, ValueSetExpansionContains, ValueSetExpansionParameter } from '@medplum/fhirtypes';
import { badRequest } from '../errors';
import type { Expansion, ExpansionEntry } from './expand-value-set';

/** Without `count`, a page holds at most this many codes; `total` and `offset` let a client page on. */
export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 10000;

export interface ExpansionRequest {
  filter?: string;
  offset?: number;
  count?: number;
  activeOnly?: boolean;
  /** Accepted and echoed; displays are always the code system's own. */
  displayLanguage?: string;
}

export function expansionPage(valueSet: ValueSet, expansion: Expansion, request: ExpansionRequest): ValueSet {
  const offset = request.offset ?? 0;
  const count = request.count ?? DEFAULT_PAGE_SIZE;
  if (count > MAX_PAGE_SIZE) throw badRequest(`count may be at most ${MAX_PAGE_SIZE}`);
  let entries = expansion.entries;
  if (request.activeOnly) entries = entries.filter((e) => !e.inactive);
  if (request.filter?.trim()) entries = entries.filter(matcher(request.filter));
  const parameter: ValueSetExpansionParameter[] = [];
  if (request.filter !== undefined) parameter.push({ name: 'filter', valueString: request.filter });
  if (request.offset !== undefined) parameter.push({ name: 'offset', valueInteger: request.offset });
  if (request.count !== undefined) parameter.push({ name: 'count', valueInteger: request.count });
  if (request.activeOnly !== undefined) parameter.push({ name: 'activeOnly', valueBoolean: request.activeOnly });
  if (request.displayLanguage !== undefined) parameter.push({ name: 'displayLanguage', valueCode: request.displayLanguage });
  const { expansion: _previous, compose: _compose, text: _text, ...rest } = valueSet;
  return {
    ...rest,
    resourceType: 'ValueSet',
    expansion: {
      identifier: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      total: entries.length,
      offset,
      ...(parameter.length > 0 ? { parameter } : {}),
      contains: entries.slice(offset, offset + count).map(toContains),
    },
  };
}

function matcher(filter: string): (entry: ExpansionEntry) => boolean {
  const needle = filter.trim().toLowerCase();
  const words = needle.split(/\s+/);
  return (entry) => {
    if (entry.code.toLowerCase().startsWith(needle)) return true;
    const display = entry.display?.toLowerCase();
    if (!display) return false;
    const displayWords = display.split(/[^\p{L}\p{N}]+/u);
    return words.every((w) => displayWords.some((d) => d.startsWith(w)));
  };
}

function toContains(entry: ExpansionEntry): ValueSetExpansionContains {
  return {
    system: entry.system,
    ...(entry.version ? { version: entry.version } : {}),
    code: entry.code,
    ...(entry.display ? { display: entry.display } : {}),
    ...(entry.abstract ? { abstract: true } : {}),
    ...(entry.inactive ? { inactive: true } : {}),
  };
}
