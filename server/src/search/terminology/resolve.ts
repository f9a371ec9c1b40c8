/**
 * Loads, before the search SQL is built, the ValueSets and CodeSystems that :in/:not-in/:above/:below name, from
 * this server's own resources: one statement per round (imports and filtered systems need a second round), so a
 * page stays a bounded number of statements.
 */
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository';
import { sql } from '../../store/sql';
import type { SearchFilter, SearchRequest } from '../search-request';
import { splitSystem, unescapeValue } from '../values';
import { CodeSet, expandValueSet, TerminologySource } from './code-set';
import { CodeHierarchy } from './hierarchy';

export interface ResolvedTerminology {
  /** The ValueSet (by canonical URL, `url|version`, or `ValueSet/id`) as a code set; undefined if not held. */
  valueSet(reference: string): CodeSet | undefined;
  /** The code and its descendants (below) or ancestors (above); undefined if the CodeSystem is not held. */
  hierarchy(system: string, code: string, direction: 'above' | 'below'): string[] | undefined;
  /** What the client should know about how terminology was applied (e.g. a CodeSystem that is not held). */
  notes: string[];
}

export const NO_TERMINOLOGY: ResolvedTerminology = { valueSet: () => undefined, hierarchy: () => undefined, notes: [] };

const MAX_ROUNDS = 3;

interface Needed {
  valueSets: Set<string>;
  codeSystems: Set<string>;
}

export async function resolveTerminology(repo: Repository, request: SearchRequest): Promise<ResolvedTerminology> {
  const needed: Needed = { valueSets: new Set(), codeSystems: new Set() };
  for (const filter of request.filters) collectNeeded(filter, needed);
  if (needed.valueSets.size === 0 && needed.codeSystems.size === 0) return { ...NO_TERMINOLOGY, notes: [] };
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeHierarchy>();
  let pending = needed;
  for (let round = 0; round < MAX_ROUNDS && (pending.valueSets.size > 0 || pending.codeSystems.size > 0); round++) {
    const loaded = await loadResources(repo, pending);
    const next: Needed = { valueSets: new Set(), codeSystems: new Set() };
    for (const resource of loaded) {
      if (resource.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, new CodeHierarchy(resource));
      if (resource.resourceType === 'ValueSet') {
        if (resource.url) valueSets.set(resource.url, resource);
        valueSets.set(`ValueSet/${resource.id}`, resource);
        for (const include of [...(resource.compose?.include ?? []), ...(resource.compose?.exclude ?? [])]) {
          for (const url of include.valueSet ?? []) if (!valueSets.has(stripVersion(url))) next.valueSets.add(stripVersion(url));
          if (include.system && include.filter?.length && !codeSystems.has(include.system)) next.codeSystems.add(include.system);
        }
      }
    }
    pending = next;
  }
  const source: TerminologySource = {
    valueSet: (url) => valueSets.get(stripVersion(url)),
    codeSystem: (url) => codeSystems.get(url),
  };
  const expanded = new Map<string, CodeSet>();
  const notes: string[] = [];
  return {
    notes,
    valueSet(reference) {
      const valueSet = source.valueSet(reference);
      if (!valueSet) return undefined;
      if (!expanded.has(reference)) expanded.set(reference, expandValueSet(valueSet, source));
      return expanded.get(reference);
    },
    hierarchy(system, code, direction) {
      const hierarchy = codeSystems.get(system);
      if (!hierarchy) {
        const note = `CodeSystem ${system} is not held by this server: :${direction} matched ${system}|${code} itself only`;
        if (!notes.includes(note)) notes.push(note);
        return undefined;
      }
      return direction === 'below' ? hierarchy.below(code) : hierarchy.above(code);
    },
  };
}

function collectNeeded(filter: SearchFilter, needed: Needed): void {
  if (filter.kind !== 'param') {
    collectNeeded(filter.next, needed);
    return;
  }
  if (filter.type !== 'token') return;
  for (const value of filter.values) {
    if (filter.modifier === 'in' || filter.modifier === 'not-in') needed.valueSets.add(stripVersion(unescapeValue(value.raw)));
    if (filter.modifier === 'above' || filter.modifier === 'below') {
      const { system } = splitSystem(value.raw);
      if (system) needed.codeSystems.add(system);
    }
  }
}

function stripVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar >= 0 ? url.slice(0, bar) : url;
}

async function loadResources(repo: Repository, needed: Needed): Promise<(ValueSet | CodeSystem)[]> {
  const urls = [...needed.valueSets, ...needed.codeSystems].filter((u) => !u.startsWith('ValueSet/'));
  const ids = [...needed.valueSets].filter((u) => u.startsWith('ValueSet/')).map((u) => u.slice('ValueSet/'.length));
  const rows = await repo.query<{ content: ValueSet | CodeSystem }>(sql`
    SELECT r.content FROM resource r
    WHERE NOT r.deleted AND r.resource_type IN ('ValueSet', 'CodeSystem') AND (
      r.res_id IN (SELECT u.res_id FROM idx_uri u WHERE u.resource_type IN ('ValueSet', 'CodeSystem') AND u.param = 'url'
                   AND u.value = ANY(${urls}::text[]))
      OR (r.resource_type = 'ValueSet' AND r.id = ANY(${ids}::text[])))
    ORDER BY r.res_id`);
  return rows.map((row) => row.content);
}
