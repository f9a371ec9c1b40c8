/**
 * Reads an instance beside its element tree: the typed values of a child element (choice types resolved to
 * their actual type, primitive extensions kept), and the values a slicing discriminator path selects.
 */
import { getTypedPropertyValue, type TypedValue } from '@medplum/core';

export function childValues(parent: TypedValue, name: string): TypedValue[] {
  const property = name.endsWith('[x]') ? name.slice(0, -3) : name;
  const found = getTypedPropertyValue(parent, property);
  const values = found === undefined ? [] : Array.isArray(found) ? found : [found];
  return values.filter((v) => v && v.value !== undefined && v.value !== null).map(asConcreteResource);
}

/** A value typed `Resource` (contained, Bundle.entry.resource) is read as its own resourceType. */
function asConcreteResource(value: TypedValue): TypedValue {
  if (value.type === 'Resource' || value.type === 'DomainResource') {
    const resourceType = (value.value as { resourceType?: unknown })?.resourceType;
    if (typeof resourceType === 'string') return { type: resourceType, value: value.value };
  }
  return value;
}

export type PathStep =
  | { kind: 'this' }
  | { kind: 'child'; name: string }
  | { kind: 'extension'; url: string }
  | { kind: 'ofType'; type: string };

/** The steps of a discriminator path (R4 profiling.html#discriminator), or undefined if it uses resolve() or anything else we cannot evaluate. */
export function parseDiscriminatorPath(path: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  for (const part of splitSteps(path)) {
    if (part === '$this') continue;
    const extension = /^extension\(\s*'([^']*)'\s*\)$/.exec(part);
    const ofType = /^(?:ofType|as)\(\s*([A-Za-z]+)\s*\)$/.exec(part);
    if (extension) steps.push({ kind: 'extension', url: extension[1] });
    else if (ofType) steps.push({ kind: 'ofType', type: ofType[1] });
    else if (/^[A-Za-z][A-Za-z0-9]*(\[x\])?$/.test(part)) steps.push({ kind: 'child', name: part });
    else return undefined;
  }
  return steps.length ? steps : [{ kind: 'this' }];
}

/** Splits at dots outside parentheses and quotes (`extension('http://a.b/c').value`). */
function splitSteps(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === '.') {
      parts.push(path.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(path.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function selectPath(value: TypedValue, steps: PathStep[]): TypedValue[] {
  let current = [value];
  for (const step of steps) {
    const next: TypedValue[] = [];
    for (const item of current) {
      if (step.kind === 'this') next.push(item);
      else if (step.kind === 'child') next.push(...childValues(item, step.name));
      else if (step.kind === 'extension') next.push(...childValues(item, 'extension').filter((e) => (e.value as { url?: unknown }).url === step.url));
      else if (item.type.toLowerCase() === step.type.toLowerCase()) next.push(item);
    }
    current = next;
  }
  return current;
}
