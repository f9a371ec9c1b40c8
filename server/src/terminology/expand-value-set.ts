/**
 * ValueSet expansion over known code systems: compose.include/exclude with concept lists, whole systems (nested
 * concepts included), imported value sets and the simple filters (is-a, descendent-of, is-not-a, in, regex, =,
 * exists). What cannot be expanded (an unknown system, one without concepts, an unsupported filter) is reported as
 * such, never guessed: callers decide whether that is an error ($expand) or "not checked" (binding validation).
 * A system we hold only part of (content = fragment/example) expands to what we know, marked incomplete, so a code
 * missing from it is "unknown", not "wrong".
 */
import type { ValueSet, ValueSetComposeInclude, ValueSetComposeIncludeFilter, ValueSetExpansionContains } from '@medplum/fhirtypes';
import type { CodeSystemIndex, ConceptEntry } from './code-system-index';

export interface ExpansionEntry {
  system: string;
  version?: string;
  code: string;
  display?: string;
  abstract?: boolean;
  inactive?: boolean;
}

export type ExpansionResult = { ok: true; expansion: Expansion } | { ok: false; reason: string };

/** What expansion needs from the terminology store (kept narrow so the expander has no cycle with the store). */
export interface ExpansionSource {
  valueSet(url: string): ValueSet | undefined;
  codeSystemIndex(url: string): CodeSystemIndex | undefined;
  expand(url: string): ExpansionResult;
}

export class Expansion {
  /** False when part of it came from a code system we hold only a fragment of. */
  complete = true;
  private readonly bySystemCode = new Map<string, ExpansionEntry>();
  private readonly byCode = new Map<string, ExpansionEntry>();
  private readonly lowerCase = new Map<string, ExpansionEntry>();

  constructor(readonly entries: ExpansionEntry[], private readonly caseInsensitiveSystems: ReadonlySet<string>) {
    for (const entry of entries) {
      this.bySystemCode.set(`${entry.system}|${entry.code}`, entry);
      if (!this.byCode.has(entry.code)) this.byCode.set(entry.code, entry);
      if (caseInsensitiveSystems.has(entry.system)) this.lowerCase.set(`${entry.system}|${entry.code.toLowerCase()}`, entry);
    }
  }

  /** The entry for system|code; without a system, any entry with that code. */
  find(system: string | undefined, code: string): ExpansionEntry | undefined {
    if (system === undefined) return this.byCode.get(code);
    const exact = this.bySystemCode.get(`${system}|${code}`);
    if (exact || !this.caseInsensitiveSystems.has(system)) return exact;
    return this.lowerCase.get(`${system}|${code.toLowerCase()}`);
  }
}

class NotExpandable extends Error {}

export function expandValueSet(valueSet: ValueSet, source: ExpansionSource, importing: string[] = []): ExpansionResult {
  try {
    const entries = new Map<string, ExpansionEntry>();
    const insensitive = new Set<string>();
    const partial = { value: false };
    if (valueSet.compose) {
      for (const include of valueSet.compose.include ?? []) {
        for (const entry of selectInclude(include, source, insensitive, partial, [...importing, valueSet.url ?? ''])) {
          entries.set(`${entry.system}|${entry.code}`, entry);
        }
      }
      for (const exclude of valueSet.compose.exclude ?? []) {
        for (const entry of selectInclude(exclude, source, insensitive, { value: false }, [...importing, valueSet.url ?? ''])) {
          entries.delete(`${entry.system}|${entry.code}`);
        }
      }
    } else if (valueSet.expansion?.contains) {
      for (const entry of flattenContains(valueSet.expansion.contains)) entries.set(`${entry.system}|${entry.code}`, entry);
    } else {
      throw new NotExpandable(`Value set ${valueSet.url ?? valueSet.id} has neither a compose nor an expansion`);
    }
    const expansion = new Expansion([...entries.values()], insensitive);
    expansion.complete = !partial.value;
    return { ok: true, expansion };
  } catch (err) {
    if (err instanceof NotExpandable) return { ok: false, reason: err.message };
    throw err;
  }
}

interface Flag {
  value: boolean;
}

function selectInclude(include: ValueSetComposeInclude, source: ExpansionSource, insensitive: Set<string>, partial: Flag, importing: string[]): ExpansionEntry[] {
  let selected: ExpansionEntry[] | undefined;
  if (include.system) selected = selectFromSystem(include, source, insensitive, partial);
  for (const url of include.valueSet ?? []) {
    if (importing.includes(url)) throw new NotExpandable(`Value set ${url} imports itself`);
    const imported = source.expand(url);
    if (!imported.ok) throw new NotExpandable(imported.reason);
    if (!imported.expansion.complete) partial.value = true;
    const keep = new Set(imported.expansion.entries.map((e) => `${e.system}|${e.code}`));
    selected = selected ? selected.filter((e) => keep.has(`${e.system}|${e.code}`)) : imported.expansion.entries;
  }
  return selected ?? [];
}

function selectFromSystem(include: ValueSetComposeInclude, source: ExpansionSource, insensitive: Set<string>, partial: Flag): ExpansionEntry[] {
  const system = include.system!;
  const index = source.codeSystemIndex(system);
  if (index && !index.caseSensitive) insensitive.add(system);
  if (include.concept) {
    // An enumerated list stands on its own, even for systems we do not hold (LOINC, SNOMED CT subsets).
    return include.concept.map((c) => {
      const known = index?.get(c.code ?? '');
      return toEntry(system, include.version, known ?? { code: c.code ?? '', display: c.display }, c.display ?? known?.display);
    });
  }
  if (!index) throw new NotExpandable(`Code system ${system} is not available on this server`);
  if (index.concepts.size === 0) throw new NotExpandable(`Code system ${system} has no concepts here (content = ${index.codeSystem.content})`);
  if (!index.complete) partial.value = true;
  let codes: Iterable<string> = index.concepts.keys();
  for (const filter of include.filter ?? []) codes = applyFilter(index, filter, codes);
  return [...codes].map((code) => {
    const entry = index.concepts.get(code)!;
    return toEntry(system, include.version ?? index.codeSystem.version, entry, entry.display);
  });
}

function applyFilter(index: CodeSystemIndex, filter: ValueSetComposeIncludeFilter, codes: Iterable<string>): string[] {
  const { property, op, value } = filter;
  const list = [...codes];
  if (value === undefined) throw new NotExpandable(`Filter on ${property} has no value`);
  if (property === 'concept' || property === 'code') {
    switch (op) {
      case 'is-a': return list.filter((c) => index.subsumes(value, c));
      case 'descendent-of': {
        const below = index.descendants(value);
        return list.filter((c) => below.has(c));
      }
      case 'is-not-a': return list.filter((c) => !index.subsumes(value, c));
      case 'in': {
        const wanted = new Set(value.split(',').map((v) => v.trim()));
        return list.filter((c) => wanted.has(c));
      }
      case 'regex': {
        const pattern = compileRegex(value);
        return list.filter((c) => pattern.test(c));
      }
      case '=': return list.filter((c) => c === value);
      default: throw new NotExpandable(`Filter ${property} ${op} is not supported`);
    }
  }
  if (op === '=') return list.filter((c) => propertyValues(index.concepts.get(c)!, property).includes(value));
  if (op === 'exists') return list.filter((c) => (propertyValues(index.concepts.get(c)!, property).length > 0) === (value === 'true'));
  throw new NotExpandable(`Filter ${property} ${op} is not supported`);
}

function compileRegex(value: string): RegExp {
  try {
    return new RegExp(`^(?:${value})$`);
  } catch {
    throw new NotExpandable(`Filter regex ${JSON.stringify(value)} is not a valid regular expression`);
  }
}

function propertyValues(entry: ConceptEntry, property: string | undefined): string[] {
  if (property === 'parent') return [...entry.parents];
  if (property === 'child') return [...entry.children];
  if (property === 'display') return entry.display ? [entry.display] : [];
  return entry.property
    .filter((p) => p.code === property)
    .map((p) => String(p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueCoding?.code ?? p.valueDateTime ?? ''));
}

function toEntry(system: string, version: string | undefined, concept: Partial<ConceptEntry> & { code: string }, display: string | undefined): ExpansionEntry {
  return {
    system,
    code: concept.code,
    ...(version ? { version } : {}),
    ...(display ? { display } : {}),
    ...(concept.abstract ? { abstract: true } : {}),
    ...(concept.inactive ? { inactive: true } : {}),
  };
}

function flattenContains(contains: ValueSetExpansionContains[]): ExpansionEntry[] {
  const result: ExpansionEntry[] = [];
  for (const item of contains) {
    if (item.system && item.code) {
      result.push({ system: item.system, code: item.code, version: item.version, display: item.display, abstract: item.abstract, inactive: item.inactive });
    }
    if (item.contains) result.push(...flattenContains(item.contains));
  }
  return result;
}
