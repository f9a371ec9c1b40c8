/**
 * Reads a billing-rule ConceptMap as a flat list of rules: one per target, in document order (group, element,
 * target), its dependsOn entries as conditions and its product entries as produced facts, both keyed by the
 * BillingRuleProperty code (terminology/CodeSystem-billing-rule-property.json). A property we do not know is an
 * error, never ignored: a mistyped condition would otherwise widen a payer rule silently.
 */
import type { ConceptMap } from '@medplum/fhirtypes';

export const BILLING_RULE_PROPERTY = 'http://iop-fhir.org/fhir/CodeSystem/billing-rule-property';

export const BILLING_RULE_PROPERTIES = [
  'payer-class', 'program-kind', 'facility-setting', 'claim-model', 'separately-billable-professional', 'session-feature',
  'patient-at-home', 'min-minutes', 'max-minutes', 'medicare-benefit', 'provider-type', 'home-telehealth-allowed',
  'line-role', 'minutes-per-unit', 'first-unit-minutes', 'step-minutes', 'tier-counts',
] as const;

export type BillingRuleProperty = (typeof BILLING_RULE_PROPERTIES)[number];

export interface MapRule {
  /** The group's source and target systems. */
  sourceSystem?: string;
  targetSystem?: string;
  source: string;
  /** Absent for an `unmatched` target: the rule maps to nothing (e.g. no modifier). */
  code?: string;
  when: Partial<Record<BillingRuleProperty, string>>;
  gives: Partial<Record<BillingRuleProperty, string>>;
}

export class BillingRulesError extends Error {}

export function readMapRules(map: ConceptMap): MapRule[] {
  const rules: MapRule[] = [];
  for (const group of map.group ?? []) {
    for (const element of group.element ?? []) {
      if (!element.code) continue;
      for (const target of element.target ?? []) {
        rules.push({
          sourceSystem: group.source,
          targetSystem: group.target,
          source: element.code,
          code: target.equivalence === 'unmatched' || target.equivalence === 'disjoint' ? undefined : target.code,
          when: readProperties(map, target.dependsOn),
          gives: readProperties(map, target.product),
        });
      }
    }
  }
  return rules;
}

function readProperties(map: ConceptMap, entries: readonly { property?: string; value?: string }[] | undefined): MapRule['when'] {
  const out: MapRule['when'] = {};
  for (const entry of entries ?? []) {
    const name = entry.property?.startsWith(`${BILLING_RULE_PROPERTY}#`) ? entry.property.slice(BILLING_RULE_PROPERTY.length + 1) : undefined;
    if (!name || !(BILLING_RULE_PROPERTIES as readonly string[]).includes(name)) {
      throw new BillingRulesError(`${map.url}: unknown billing rule property ${entry.property}`);
    }
    if (entry.value === undefined) throw new BillingRulesError(`${map.url}: property ${name} has no value`);
    out[name as BillingRuleProperty] = entry.value;
  }
  return out;
}

/** A whole-number property, or an error naming the map and the rule. */
export function numberProperty(map: string, rule: MapRule, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new BillingRulesError(`${map}: ${rule.source} → ${rule.code ?? '(none)'}: '${value}' is not a whole number of minutes`);
  return n;
}
