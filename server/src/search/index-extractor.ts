/**
 * Turns a resource into its search-index rows: each registered parameter's pre-parsed FHIRPath expression is
 * evaluated and every value shaped by index-values.ts. Runs in the write path of every resource, so nothing is
 * parsed here. Composite parameters index their components in the component types' tables, grouped by `grp`.
 */
import { evalFhirPathTyped, toTypedValue, TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { emptyIndexRows, IndexRows } from '../store/index-rows';
import { appendValueRows } from './index-values';
import { RegisteredParam, searchParamsFor } from './registry';

export function extractIndexRows(resource: Resource, options: { fastPaths?: boolean } = {}): IndexRows {
  const rows = emptyIndexRows();
  const root = toTypedValue(resource);
  const variables = { '%resource': root, '%rootResource': root };
  const useFast = options.fastPaths !== false;
  let nextGroup = 0;
  for (const param of searchParamsFor(resource.resourceType).values()) {
    if (!param.expression) continue;
    const values = (useFast ? param.fast?.(resource as unknown as Record<string, unknown>) : undefined) ?? evaluate(param, [root], variables);
    if (values.length === 0) continue;
    if (param.type === 'composite') {
      // A composite's expression is often the resource itself, so it is present when some item has every component.
      let complete = false;
      for (const item of values) {
        const filled = appendComposite(rows, param, item, variables, nextGroup++);
        complete ||= filled;
      }
      if (complete) rows.present.push(param.code);
      continue;
    }
    // Present when the expression yields anything at all, indexable or not (the spec's `:missing` is about the element).
    rows.present.push(param.code);
    for (const value of values) appendValueRows(rows, param.code, param.type, value);
  }
  return rows;
}

function evaluate(param: { expression?: RegisteredParam['expression'] }, input: TypedValue[], variables: Record<string, TypedValue>): TypedValue[] {
  try {
    return evalFhirPathTyped(param.expression!, input, variables);
  } catch {
    return []; // an expression that cannot evaluate on this resource indexes nothing
  }
}

/** One group per composite item: every component's values, all tagged with the same grp. True when each component had a value. */
function appendComposite(rows: IndexRows, param: RegisteredParam, item: TypedValue, variables: Record<string, TypedValue>, group: number): boolean {
  if (!param.components) return false;
  let complete = true;
  for (const component of param.components) {
    const values = evaluate(component, [item], variables);
    if (values.length === 0) complete = false;
    for (const value of values) appendValueRows(rows, component.code, component.type, value, group);
  }
  return complete;
}
