/**
 * Most search-parameter expressions are plain element paths (`Observation.code`, `Observation.value.ofType(Quantity)`,
 * `Encounter.subject.where(resolve() is Patient)`). Those are compiled here, once per (type, parameter), into a direct
 * walk over the JSON with element types taken from the schema; it yields what the FHIRPath evaluator yields, several
 * times faster, in the write path of every resource. Anything else (and any resource with primitive extensions on
 * the path) is left to the FHIRPath evaluator. tests/unit/search-fast-path.test.ts checks both agree on real data.
 */
import { getElementDefinition, getElementDefinitionTypeName, getExpressionForResourceType, TypedValue } from '@medplum/core';

/** Evaluates the expression on a resource; undefined means "use FHIRPath for this one". */
export type FastEvaluator = (resource: Record<string, unknown>) => TypedValue[] | undefined;

interface Step {
  property: string;
  /** Single-typed element: its type; choice element: undefined (the JSON key carries the type). */
  type?: string;
  /** Choice element: the possible types, in schema order. */
  choices?: string[];
}

interface CompiledPath {
  steps: Step[];
  ofType?: string;
  resolveIs?: string;
}

const PART = /^([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z0-9]*)+)(?:\.ofType\(([A-Za-z]+)\)|\.where\(\(?resolve\(\) is ([A-Za-z]+)\)?\))?$/;

export function compileFastPath(resourceType: string, expression: string): FastEvaluator | undefined {
  let restricted: string | undefined;
  try {
    restricted = getExpressionForResourceType(resourceType, expression);
  } catch {
    return undefined;
  }
  if (!restricted) return undefined;
  const paths: CompiledPath[] = [];
  for (const part of restricted.split(' | ')) {
    const compiled = compilePart(resourceType, unwrap(part.trim()));
    if (!compiled) return undefined;
    paths.push(compiled);
  }
  return (resource) => {
    const results: TypedValue[] = [];
    for (const path of paths) {
      const values = walk(resource, path);
      if (!values) return undefined;
      for (const value of values) results.push(value); // not push(...values): a huge array would overflow the call stack
    }
    return paths.length > 1 ? withoutDuplicates(results) : results;
  };
}

/** `a | b` is a union: FHIRPath removes equal values (from either side). */
function withoutDuplicates(values: TypedValue[]): TypedValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v.value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unwrap(text: string): string {
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) text = text.slice(1, -1);
  return text;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function compilePart(resourceType: string, part: string): CompiledPath | undefined {
  const m = PART.exec(part);
  if (!m || m[1] !== resourceType) return undefined;
  const properties = m[2].slice(1).split('.');
  const steps: Step[] = [];
  let typeName = resourceType;
  for (const [i, property] of properties.entries()) {
    const element = getElementDefinition(typeName, property);
    if (!element || element.type.length === 0) return undefined;
    const choice = element.path.endsWith('[x]');
    if (choice) {
      if (i !== properties.length - 1) return undefined; // a path through a choice element: leave it to FHIRPath
      steps.push({ property, choices: element.type.map((t) => t.code) });
      break;
    }
    if (element.type.length !== 1) return undefined;
    const code = element.type[0].code;
    if (code === 'Resource') return undefined; // contained or inline resources: their type comes from the value
    steps.push({ property, type: code === 'BackboneElement' || code === 'Element' ? 'BackboneElement' : code });
    typeName = getElementDefinitionTypeName(element as never);
  }
  return { steps, ofType: m[3], resolveIs: m[4] };
}

type Json = Record<string, unknown>;

function walk(resource: Json, path: CompiledPath): TypedValue[] | undefined {
  let current: TypedValue[] = [{ type: String(resource.resourceType), value: resource }];
  for (const step of path.steps) {
    const next: TypedValue[] = [];
    for (const { value } of current) {
      const object = value as Json;
      if (step.choices) {
        for (const type of step.choices) {
          const key = step.property + type[0].toUpperCase() + type.slice(1);
          if (`_${key}` in object) return undefined; // primitive extension: FHIRPath knows how to merge it
          if (object[key] !== undefined) {
            collect(next, object[key], type);
            break;
          }
        }
        continue;
      }
      if (`_${step.property}` in object) return undefined;
      collect(next, object[step.property], step.type!);
    }
    current = next;
  }
  if (path.ofType) current = current.filter((v) => sameType(v.type, path.ofType!));
  if (path.resolveIs) current = current.filter((v) => resolvedType(v.value) === path.resolveIs);
  return current;
}

function collect(into: TypedValue[], raw: unknown, type: string): void {
  if (Array.isArray(raw)) {
    for (const item of raw) if (!isEmpty(item)) into.push({ type, value: item });
  } else if (!isEmpty(raw)) {
    into.push({ type, value: raw });
  }
}

/** As the FHIRPath evaluator: '', [], {} and undefined are no value. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

function sameType(actual: string, wanted: string): boolean {
  return actual === wanted || actual.toLowerCase() === wanted.toLowerCase();
}

/** The type `resolve()` gives a Reference without fetching it: the first segment of its reference (or its type). */
function resolvedType(value: unknown): string | undefined {
  const reference = value as { reference?: string; type?: string; identifier?: unknown; resource?: { resourceType?: string } };
  if (reference.resource?.resourceType) return reference.resource.resourceType;
  const text = reference.reference ?? (reference.type && reference.identifier ? `${reference.type}?` : undefined);
  if (!text) return undefined;
  if (text.includes('?')) return text.split('?')[0];
  return text.includes('/') ? text.split('/')[0] : undefined;
}
