/**
 * ConceptMap $translate (R4): the codes a source code maps to in the chosen maps, forward or `reverse`, with each
 * match's equivalence and the map it came from. `unmapped` of mode provided/fixed is honoured.
 */
import type { ConceptMap, ConceptMapGroup, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { canonicalUrl } from './terminology-store';

export interface TranslateRequest {
  system?: string;
  code: string;
  targetSystem?: string;
  reverse?: boolean;
}

interface Match {
  equivalence: string;
  system?: string;
  code?: string;
  display?: string;
  source?: string;
}

const REVERSED: Record<string, string> = { wider: 'narrower', narrower: 'wider', subsumes: 'specializes', specializes: 'subsumes' };
const NOT_A_MATCH = new Set(['unmatched', 'disjoint']);

/** The maps a request applies to: by `source`/`target` value set when given (all maps otherwise). */
export function selectConceptMaps(maps: ConceptMap[], source?: string, target?: string): ConceptMap[] {
  const matches = (url: string | undefined, wanted: string | undefined) => !wanted || (url !== undefined && canonicalUrl(url) === canonicalUrl(wanted));
  return maps.filter((m) => matches(m.sourceCanonical ?? m.sourceUri, source) && matches(m.targetCanonical ?? m.targetUri, target));
}

export function translateCode(maps: ConceptMap[], request: TranslateRequest): Parameters {
  const matches: Match[] = [];
  for (const map of maps) {
    for (const group of map.group ?? []) {
      const found = request.reverse ? reverseMatches(group, request) : forwardMatches(group, request);
      matches.push(...found.map((m) => ({ ...m, source: map.url })));
    }
  }
  const result = matches.some((m) => !NOT_A_MATCH.has(m.equivalence));
  const what = `${JSON.stringify(request.code)}${request.system ? ` (${request.system})` : ''}`;
  const parameter: ParametersParameter[] = [
    { name: 'result', valueBoolean: result },
    ...(result ? [] : [{ name: 'message', valueString: maps.length === 0 ? `No concept map applies to ${what}` : `No mapping found for ${what}` }]),
    ...matches.map(toMatchParameter),
  ];
  return { resourceType: 'Parameters', parameter };
}

function forwardMatches(group: ConceptMapGroup, request: TranslateRequest): Match[] {
  if (request.system && group.source && group.source !== request.system) return [];
  if (request.targetSystem && group.target !== request.targetSystem) return [];
  const elements = (group.element ?? []).filter((e) => e.code === request.code);
  if (elements.length === 0) return unmappedMatches(group, request);
  return elements.flatMap((element) => (element.target ?? []).map((target) => ({
    equivalence: target.equivalence ?? 'equivalent',
    system: group.target,
    code: target.code,
    display: target.display,
  })));
}

function unmappedMatches(group: ConceptMapGroup, request: TranslateRequest): Match[] {
  const unmapped = group.unmapped;
  if (unmapped?.mode === 'provided') return [{ equivalence: 'equal', system: group.target, code: request.code }];
  if (unmapped?.mode === 'fixed' && unmapped.code) return [{ equivalence: 'equivalent', system: group.target, code: unmapped.code, display: unmapped.display }];
  return [];
}

function reverseMatches(group: ConceptMapGroup, request: TranslateRequest): Match[] {
  if (request.system && group.target && group.target !== request.system) return [];
  if (request.targetSystem && group.source !== request.targetSystem) return [];
  const result: Match[] = [];
  for (const element of group.element ?? []) {
    for (const target of element.target ?? []) {
      if (target.code !== request.code) continue;
      const equivalence = target.equivalence ?? 'equivalent';
      result.push({ equivalence: REVERSED[equivalence] ?? equivalence, system: group.source, code: element.code, display: element.display });
    }
  }
  return result;
}

function toMatchParameter(match: Match): ParametersParameter {
  return {
    name: 'match',
    part: [
      { name: 'equivalence', valueCode: match.equivalence },
      ...(match.code ? [{ name: 'concept', valueCoding: { system: match.system, code: match.code, ...(match.display ? { display: match.display } : {}) } }] : []),
      ...(match.source ? [{ name: 'source', valueUri: match.source }] : []),
    ],
  };
}
