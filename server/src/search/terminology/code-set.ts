/**
 * A ValueSet as the set of (system, code) pairs a token :in / :not-in matches: explicit concept lists, filters over
 * a CodeSystem hierarchy held by this server, whole code systems (minus exclusions), imports, or a stored expansion.
 */
import type { ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from '@medplum/fhirtypes';
import { badRequest } from '../../errors';
import type { CodeHierarchy } from './hierarchy';

export interface CodeSet {
  /** system ('' = no system) → codes. */
  codes: Map<string, Set<string>>;
  /** Every code of these systems… */
  wholeSystems: Set<string>;
  /** …except these. */
  excluded: Map<string, Set<string>>;
}

export interface TerminologySource {
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeHierarchy | undefined;
}

const MAX_IMPORT_DEPTH = 5;

export function emptyCodeSet(): CodeSet {
  return { codes: new Map(), wholeSystems: new Set(), excluded: new Map() };
}

export function expandValueSet(valueSet: ValueSet, source: TerminologySource, depth = 0): CodeSet {
  const set = emptyCodeSet();
  if (depth > MAX_IMPORT_DEPTH) throw badRequest(`ValueSet ${valueSet.url} imports ValueSets nested too deeply`);
  if (!valueSet.compose) {
    addContains(set, valueSet.expansion?.contains);
    return set;
  }
  for (const include of valueSet.compose.include ?? []) addInclude(set, include, source, depth);
  for (const exclude of valueSet.compose.exclude ?? []) {
    if (!exclude.system) continue;
    const codes = includeCodes(exclude, source);
    if (!codes) continue; // excluding a whole system: the include of it is simply dropped below
    for (const code of codes) {
      set.codes.get(exclude.system)?.delete(code);
      if (set.wholeSystems.has(exclude.system)) addTo(set.excluded, exclude.system, code);
    }
  }
  for (const exclude of valueSet.compose.exclude ?? []) {
    if (exclude.system && !exclude.concept && !exclude.filter) {
      set.wholeSystems.delete(exclude.system);
      set.codes.delete(exclude.system);
    }
  }
  return set;
}

function addInclude(set: CodeSet, include: ValueSetComposeInclude, source: TerminologySource, depth: number): void {
  for (const url of include.valueSet ?? []) {
    const imported = source.valueSet(url);
    if (!imported) throw badRequest(`ValueSet ${url} (imported) is not held by this server`);
    mergeInto(set, expandValueSet(imported, source, depth + 1));
  }
  if (!include.system) return;
  const codes = includeCodes(include, source);
  if (codes) for (const code of codes) addTo(set.codes, include.system, code);
  else set.wholeSystems.add(include.system);
}

/** The codes an include/exclude names, or undefined for "the whole system". */
function includeCodes(include: ValueSetComposeInclude, source: TerminologySource): string[] | undefined {
  if (include.concept?.length) return include.concept.map((c) => c.code).filter((c): c is string => !!c);
  if (!include.filter?.length) return undefined;
  const hierarchy = source.codeSystem(include.system!);
  if (!hierarchy) throw badRequest(`CodeSystem ${include.system} is not held by this server (needed to apply a ValueSet filter)`);
  let result: Set<string> | undefined;
  for (const filter of include.filter) {
    const codes = new Set(filterCodes(hierarchy, filter.property, filter.op, filter.value ?? ''));
    result = result ? new Set([...result].filter((c) => codes.has(c))) : codes;
  }
  return [...(result ?? [])];
}

function filterCodes(hierarchy: CodeHierarchy, property: string | undefined, op: string | undefined, value: string): string[] {
  if (property !== 'concept' && property !== 'code') throw badRequest(`ValueSet filter on property ${property} is not supported`);
  switch (op) {
    case 'is-a':
      return hierarchy.below(value);
    case 'descendent-of':
      return hierarchy.below(value).filter((c) => c !== value);
    case 'is-not-a': {
      const below = new Set(hierarchy.below(value));
      return [...hierarchy.codes].filter((c) => !below.has(c));
    }
    case '=':
      return [value];
    case 'in':
      return value.split(',').map((v) => v.trim());
    default:
      throw badRequest(`ValueSet filter operator ${op} is not supported`);
  }
}

function addContains(set: CodeSet, contains: ValueSetExpansionContains[] | undefined): void {
  for (const item of contains ?? []) {
    if (item.code) addTo(set.codes, item.system ?? '', item.code);
    addContains(set, item.contains);
  }
}

function mergeInto(target: CodeSet, other: CodeSet): void {
  for (const [system, codes] of other.codes) for (const code of codes) addTo(target.codes, system, code);
  for (const system of other.wholeSystems) target.wholeSystems.add(system);
  for (const [system, codes] of other.excluded) for (const code of codes) addTo(target.excluded, system, code);
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  if (!map.has(key)) map.set(key, new Set());
  map.get(key)!.add(value);
}
