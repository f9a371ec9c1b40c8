/**
 * Finds what a terminology operation works on: the instance in the URL, a resource passed inline, or a canonical
 * URL (the server's terminology first, then stored resources). Unknown → 404; not expandable → 400.
 */
import type { Coding, ConceptMap, ValueSet } from '@medplum/fhirtypes';
import { badRequest, notFound, notSupported } from '../errors';
import type { FhirContext } from '../fhir/types';
import { CodeSystemIndex } from '../terminology/code-system-index';
import type { Expansion } from '../terminology/expand-value-set';
import { findStoredByUrl, readStoredById, storeWithStoredDependencies } from '../terminology/stored-terminology';
import { terminology, type TerminologyStore } from '../terminology/terminology-store';
import type { CodeToValidate } from '../terminology/validate-code';
import type { OperationInput } from './operation-input';
import type { OperationTarget } from './registry';

export interface ExpandedValueSet {
  valueSet: ValueSet;
  url: string;
  expansion: Expansion;
  store: TerminologyStore;
}

export async function expandTargetValueSet(ctx: FhirContext, target: OperationTarget, input: OperationInput): Promise<ExpandedValueSet> {
  const inline = input.resource<ValueSet>('valueSet');
  const url = input.string('url');
  let valueSet: ValueSet | undefined;
  if (target.id) valueSet = await readStoredById(ctx.repo, 'ValueSet', target.id);
  else if (inline) valueSet = inline;
  else if (!url) throw badRequest('Name the value set: url, a valueSet in a Parameters body, or /ValueSet/{id}/$…');
  else if (terminology().valueSet(url)) return fromServerTerminology(url);
  else valueSet = await findStoredByUrl(ctx.repo, 'ValueSet', url);
  if (!valueSet) throw notFound(`Value set ${url} is not known to this server`);
  if (valueSet.resourceType !== 'ValueSet') throw badRequest('valueSet must be a ValueSet');
  const store = await storeWithStoredDependencies(ctx.repo, valueSet);
  const result = store.expandResource(valueSet);
  const name = valueSet.url ?? `ValueSet/${valueSet.id ?? '(inline)'}`;
  if (!result.ok) throw notSupported(`Value set ${name} cannot be expanded here: ${result.reason}`);
  return { valueSet, url: name, expansion: result.expansion, store };
}

function fromServerTerminology(url: string): ExpandedValueSet {
  const store = terminology();
  const result = store.expand(url);
  if (!result.ok) throw notSupported(`Value set ${url} cannot be expanded here: ${result.reason}`);
  return { valueSet: store.valueSet(url)!, url, expansion: result.expansion, store };
}

/** The code system of a CodeSystem operation: the instance, or the one named by `system` (or `url`). */
export async function targetCodeSystem(ctx: FhirContext, target: OperationTarget, system: string | undefined): Promise<CodeSystemIndex> {
  if (target.id) return new CodeSystemIndex(await readStoredById(ctx.repo, 'CodeSystem', target.id));
  if (!system) throw badRequest('Name the code system: system (or url), or call /CodeSystem/{id}/$…');
  const known = terminology().codeSystemIndex(system);
  if (known) return known;
  const stored = await findStoredByUrl(ctx.repo, 'CodeSystem', system);
  if (!stored) throw notFound(`Code system ${system} is not known to this server`);
  return new CodeSystemIndex(stored);
}

/** The maps a $translate uses: the instance, the one named by `url`, or every map the server holds in memory. */
export async function targetConceptMaps(ctx: FhirContext, target: OperationTarget, input: OperationInput): Promise<{ maps: ConceptMap[]; named: boolean }> {
  if (target.id) return { maps: [await readStoredById(ctx.repo, 'ConceptMap', target.id)], named: true };
  const inline = input.resource<ConceptMap>('conceptMap');
  if (inline) return { maps: [inline], named: true };
  const url = input.string('url');
  if (!url) return { maps: terminology().allConceptMaps(), named: false };
  const map = terminology().conceptMap(url) ?? await findStoredByUrl(ctx.repo, 'ConceptMap', url);
  if (!map) throw notFound(`Concept map ${url} is not known to this server`);
  return { maps: [map], named: true };
}

/** The code(s) to check: code (+system, display), a coding, or a codeableConcept; at least one is required. */
export function codesToCheck(input: OperationInput, systemParameter = 'system'): CodeToValidate[] {
  const code = input.string('code');
  if (code !== undefined) return [{ code, system: input.string(systemParameter), display: input.string('display') }];
  const coding = input.coding('coding');
  if (coding) return [fromCoding(coding, 'coding')];
  const concept = input.codeableConcept('codeableConcept');
  if (concept) {
    const codings = (concept.coding ?? []).filter((c) => c.code);
    if (codings.length === 0) throw badRequest('codeableConcept has no coding with a code');
    return codings.map((c) => fromCoding(c, 'codeableConcept'));
  }
  throw badRequest('Give the code to check: code, coding or codeableConcept');
}

export function fromCoding(coding: Coding, name: string): CodeToValidate {
  if (!coding.code) throw badRequest(`${name} has no code`);
  return { code: coding.code, system: coding.system, display: coding.display };
}
