/**
 * Checks coded values against their element's value-set binding. A required binding that fails is an error;
 * extensible and preferred bindings that fail are warnings. A value set we cannot expand is never held against
 * the data: the binding is simply not checked (nor is a code missing from a value set we know only in part).
 */
import type { Coding, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../errors';
import { canonicalUrl, type TerminologyStore } from '../terminology/terminology-store';
import type { BoundValue } from './collect-bound-values';

export function checkBindings(values: BoundValue[], store: TerminologyStore): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  for (const value of values) {
    const problem = checkBinding(value, store);
    if (problem) issues.push(problem);
  }
  return issues;
}

function checkBinding(bound: BoundValue, store: TerminologyStore): OperationOutcomeIssue | undefined {
  const valueSetUrl = bound.binding.valueSet && canonicalUrl(bound.binding.valueSet);
  if (!valueSetUrl) return undefined;
  const codings = codingsOf(bound);
  if (codings === undefined) return undefined;
  // Extensible and preferred bindings allow text-only concepts; only a required one demands a code.
  if (codings.length === 0 && (bound.binding.strength !== 'required' || bound.type !== 'CodeableConcept')) return undefined;
  const result = store.expand(valueSetUrl);
  if (!result.ok) return undefined;
  if (codings.some((c) => result.expansion.find(c.system, c.code!) !== undefined)) return undefined;
  // Part of the value set comes from a code system we hold only a fragment of: absent is unknown, not wrong.
  if (!result.expansion.complete) return undefined;

  const strength = bound.binding.strength;
  const definition = store.valueSet(valueSetUrl);
  const label = bindingName(bound) ?? definition?.title ?? definition?.name;
  const valueSet = label ? `${label} <${valueSetUrl}>` : `<${valueSetUrl}>`;
  let text: string;
  if (codings.length === 0) text = `No code from the required value set ${valueSet}: the concept has only text`;
  else if (codings.length === 1) text = `Code ${describe(codings[0])} is not in the ${strength} value set ${valueSet}`;
  else text = `None of the codes ${codings.map(describe).join(', ')} is in the ${strength} value set ${valueSet}`;
  return {
    ...issue(strength === 'required' ? 'error' : 'warning', 'code-invalid', `${text} (at ${bound.path})`, [bound.path]),
    details: { text },
  };
}

/** The codes a value carries, or undefined when there is nothing to check (e.g. a Coding without a code). */
function codingsOf(bound: BoundValue): Coding[] | undefined {
  const { type, value } = bound;
  if (type === 'code' || type === 'string' || type === 'uri') return typeof value === 'string' ? [{ code: value }] : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (type === 'Coding' || type === 'Quantity') {
    const { system, code } = value as Coding;
    return typeof code === 'string' ? [{ system: typeof system === 'string' ? system : undefined, code }] : undefined;
  }
  const codings = (value as { coding?: unknown }).coding;
  if (!Array.isArray(codings)) return [];
  return codings
    .filter((c): c is Coding => typeof c === 'object' && c !== null && typeof (c as Coding).code === 'string')
    .map((c) => ({ system: typeof c.system === 'string' ? c.system : undefined, code: c.code }));
}

function describe(coding: Coding): string {
  return coding.system ? `"${coding.code}" (${coding.system})` : `"${coding.code}"`;
}

function bindingName(bound: BoundValue): string | undefined {
  const ext = bound.binding.extension?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/elementdefinition-bindingName');
  return ext?.valueString;
}
