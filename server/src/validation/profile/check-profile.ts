/**
 * Checks an instance against a compiled profile (element-tree.ts): cardinality, allowed types of choice elements,
 * fixed[x] (exact) and pattern[x] (containment), the profile's own invariants, slicing (which slice each value is
 * in, slice cardinality, closed and ordered slicing, and each value against its slice's definition, nested slices
 * included), and extensions against the definition their slice names. Base R4 structure is not repeated here: the
 * base validation runs first. Returns issues and the coded values on slice elements for the binding check.
 */
import { evalFhirPathTyped, toTypedValue, UCUM, type TypedValue } from '@medplum/core';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../../errors';
import type { BoundValue } from '../collect-bound-values';
import type { ElementNode, ElementTree, Invariant } from './element-tree';
import { childValues } from './instance-values';
import { compiledSlicing, type MatchContext } from './slice-matchers';
import { matchesFixed, matchesPattern } from './specified-values';

export interface ProfileCheckOptions extends MatchContext {
  /** The compiled definition of a profile named in an element's type.profile (extensions), if known. */
  treeOf(url: string): ElementTree | undefined;
}

export interface ProfileCheckResult {
  issues: OperationOutcomeIssue[];
  /** Coded values on elements inside slices, whose bindings the profile-wide binding walk cannot see. */
  sliceBoundValues: BoundValue[];
}

interface Walk {
  options: ProfileCheckOptions;
  root: TypedValue;
  issues: OperationOutcomeIssue[];
  bound: BoundValue[];
  /** Type profiles being checked, so a recursive definition does not loop. */
  active: Set<string>;
}

const CODED_TYPES = new Set(['code', 'Coding', 'CodeableConcept', 'Quantity', 'string', 'uri']);

export function checkProfile(tree: ElementTree, resource: object, options: ProfileCheckOptions): ProfileCheckResult {
  const root = toTypedValue(resource);
  const walk: Walk = { options, root, issues: [], bound: [], active: new Set([tree.url]) };
  checkElement(tree.root, root, tree.root.path, walk, root);
  return { issues: walk.issues, sliceBoundValues: walk.bound };
}

/** Does `value` conform to `tree` (no error)? Used by `profile` discriminators. */
export function conformsToTree(tree: ElementTree, value: TypedValue, options: ProfileCheckOptions): boolean {
  const walk: Walk = { options, root: value, issues: [], bound: [], active: new Set([tree.url]) };
  checkElement(tree.root, value, tree.root.path, walk, value);
  return !walk.issues.some((i) => i.severity === 'error');
}

function checkElement(node: ElementNode, value: TypedValue, path: string, walk: Walk, resource: TypedValue): void {
  checkSpecifiedValue(node, value, path, walk);
  checkInvariants(node.invariants, value, path, walk, resource);
  collectSliceBinding(node, value, path, walk);
  checkTypeProfiles(node, value, path, walk, resource);
  if (typeof value.value !== 'object' || value.value === null || isBoxedPrimitive(value.value)) return;
  const current = typeof (value.value as { resourceType?: unknown }).resourceType === 'string' ? value : resource;
  for (const child of node.children.values()) checkChild(child, value, path, walk, current);
}

function checkChild(child: ElementNode, parent: TypedValue, parentPath: string, walk: Walk, resource: TypedValue): void {
  const values = childValues(parent, child.name);
  const choice = child.name.endsWith('[x]');
  const base = choice ? child.name.slice(0, -3) : child.name;
  if (values.length < child.min || values.length > child.max) {
    const where = `${parentPath}.${base}`;
    const text = values.length === 0 ? 'Missing required property'
      : `Invalid number of values: expected ${child.min}..${Number.isFinite(child.max) ? child.max : '*'}, but found ${values.length}`;
    walk.issues.push(structure(text, where));
  }
  if (values.length === 0) {
    if (child.slicing) checkSlices(child, [], `${parentPath}.${base}`, walk, resource); // required slices are still required
    return;
  }
  const repeats = Array.isArray((parent.value as Record<string, unknown>)[base]);
  const located = values.map((value, index) => ({
    value,
    path: `${parentPath}.${choice ? `${base}.ofType(${value.type})` : base}${repeats ? `[${index}]` : ''}`,
  }));
  if (choice) {
    for (const { value, path } of located) {
      if (child.types.length > 0 && !child.types.some((t) => sameType(t.code, value.type))) {
        walk.issues.push(structure(`Type ${value.type} is not allowed here (allowed: ${child.types.map((t) => t.code).join(', ')})`, path));
      }
    }
  }
  if (child.slicing && child.slicing.slices.length > 0) {
    checkSlices(child, located, `${parentPath}.${base}`, walk, resource);
  } else {
    for (const { value, path } of located) checkElement(child, value, path, walk, resource);
  }
}

function checkSlices(node: ElementNode, located: { value: TypedValue; path: string }[], elementPath: string, walk: Walk, resource: TypedValue): void {
  const slicing = node.slicing!;
  const compiled = compiledSlicing(slicing);
  if (compiled.problem !== undefined) {
    if (located.length === 0) return;
    walk.issues.push(issue('warning', 'not-supported', `The slices of ${node.id} were not checked: ${compiled.problem}`, [elementPath]));
    for (const { value, path } of located) checkElement(node, value, path, walk, resource);
    return;
  }
  const counts = slicing.slices.map(() => 0);
  let lastSlice = -1;
  let unmatchedSeen = false;
  for (const { value, path } of located) {
    const index = compiled.matchers.findIndex((matches) => matches(value, walk.options));
    if (index < 0) {
      unmatchedSeen = true;
      if (slicing.rules === 'closed') walk.issues.push(structure(`Value does not match any slice of ${node.id}, and the slicing is closed`, path));
      checkElement(node, value, path, walk, resource);
      continue;
    }
    if (slicing.rules === 'openAtEnd' && unmatchedSeen) walk.issues.push(structure(`Value of slice '${slicing.slices[index].sliceName}' after an unsliced value: ${node.id} is open at the end only`, path));
    if (slicing.ordered && index < lastSlice) walk.issues.push(structure(`Value of slice '${slicing.slices[index].sliceName}' is out of order: the slices of ${node.id} are ordered`, path));
    lastSlice = Math.max(lastSlice, index);
    counts[index]++;
    checkElement(slicing.slices[index], value, path, walk, resource);
  }
  slicing.slices.forEach((slice, i) => {
    if (counts[i] < slice.min || counts[i] > slice.max) {
      const range = `${slice.min}..${Number.isFinite(slice.max) ? slice.max : '*'}`;
      walk.issues.push(structure(`Incorrect number of values provided for slice '${slice.sliceName}': expected ${range}, but found ${counts[i]}`, elementPath));
    }
  });
}

function checkSpecifiedValue(node: ElementNode, value: TypedValue, path: string, walk: Walk): void {
  if (node.fixed && !matchesFixed(value.value, node.fixed.value)) {
    walk.issues.push(structure('Value did not match expected fixed value', path, `it must be exactly ${JSON.stringify(node.fixed.value)}`));
  } else if (node.pattern && !matchesPattern(value.value, node.pattern.value)) {
    walk.issues.push(structure('Value did not match expected pattern', path, `it must contain ${JSON.stringify(node.pattern.value)}`));
  }
}

function checkInvariants(invariants: Invariant[], value: TypedValue, path: string, walk: Walk, resource: TypedValue): void {
  if (invariants.length === 0) return;
  const variables: Record<string, TypedValue> = { '%context': value, '%resource': resource, '%rootResource': walk.root, '%ucum': toTypedValue(UCUM) };
  for (const invariant of invariants) {
    let result: TypedValue[];
    try {
      result = evalFhirPathTyped(invariant.atom, [value], variables);
    } catch {
      walk.issues.push(issue('warning', 'not-supported', `Constraint ${invariant.key} could not be evaluated: ${invariant.expression}`, [path]));
      continue;
    }
    if (!(result.length === 1 && result[0].value === true)) {
      walk.issues.push({ ...issue('error', 'invariant', `Constraint ${invariant.key} not met: ${invariant.human}`, [path]) });
    }
  }
}

function collectSliceBinding(node: ElementNode, value: TypedValue, path: string, walk: Walk): void {
  if (!node.binding || !node.id.includes(':') || !CODED_TYPES.has(value.type)) return;
  const raw = isBoxedPrimitive(value.value) ? (value.value as { valueOf(): unknown }).valueOf() : value.value;
  walk.bound.push({ path, binding: node.binding, type: value.type, value: raw });
}

/** An extension (or any element) whose type names a profile we know is checked against that profile too. */
function checkTypeProfiles(node: ElementNode, value: TypedValue, path: string, walk: Walk, resource: TypedValue): void {
  for (const type of node.types) {
    if (!type.profile || !sameType(type.code, value.type)) continue;
    for (const url of type.profile) {
      if (walk.active.has(url)) continue;
      const tree = walk.options.treeOf(url);
      if (!tree) continue;
      walk.active.add(url);
      checkElement(tree.root, value, path, walk, resource);
      walk.active.delete(url);
    }
  }
}

function sameType(declared: string, actual: string): boolean {
  return declared.toLowerCase() === actual.toLowerCase() || declared.endsWith(`/${actual}`);
}

function isBoxedPrimitive(value: unknown): boolean {
  return value instanceof String || value instanceof Number || value instanceof Boolean;
}

function structure(text: string, where: string, detail?: string): OperationOutcomeIssue {
  const found = issue('error', 'structure', text, [where]);
  return detail ? { ...found, diagnostics: `${text}: ${detail}` } : found;
}
