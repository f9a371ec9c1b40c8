/**
 * FHIRPath Patch applied to a copy of a resource. Each operation's path is evaluated with @medplum/core's FHIRPath
 * engine, whose results carry their location (`Patient.name[0].given[1]`); we edit the JSON at that location.
 * A patch that cannot be applied to the resource as it stands (nothing or too much selected, index out of range,
 * an element already set) is a 422; the caller writes nothing.
 */
import { deepClone, evalFhirPathTyped, getElementDefinition, toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '../errors';
import {
  choiceKey, materializeValue, valueType, type FhirPathPatchOperation, type PatchValue,
} from './patch-fhirpath-parse';

type JsonObject = Record<string, unknown>;

/** Where an element lives: `owner[key]`, or `owner[key][index]` for an item of a list. */
interface Location {
  owner: JsonObject;
  key: string;
  index?: number;
}

interface Selected {
  type: string;
  value: unknown;
  path: string;
}

export function applyFhirPathPatch(resource: Resource, operations: FhirPathPatchOperation[]): Resource {
  const root = deepClone(resource) as unknown as JsonObject;
  operations.forEach((op, i) => applyOperation(root, op, i));
  return removeEmpty(root) as unknown as Resource;
}

function applyOperation(root: JsonObject, op: FhirPathPatchOperation, i: number): void {
  const cannot = (message: string) => unprocessable(`FHIRPath Patch operation ${i} (${op.type} ${op.path}): ${message}`);
  const selected = select(root, op.path, i);
  switch (op.type) {
    case 'add': {
      const base = single(selected, cannot);
      if (!base) throw cannot('the path selects nothing to add to');
      const target = objectAt(root, base.path, cannot);
      const element = getElementDefinition(base.type, op.name);
      if (!element) throw badRequest(`FHIRPath Patch operation ${i}: ${base.type} has no element "${op.name}"`);
      const type = valueType(op.value, element);
      const key = element.path.endsWith('[x]') ? choiceKey(op.name, type) : op.name;
      const value = materializeValue(op.value, type);
      if (element.isArray) {
        const list = (target[key] ??= []);
        if (!Array.isArray(list)) throw cannot(`${key} is not a list`);
        list.push(value);
        return;
      }
      const present = Object.keys(target).find((k) => k === key || (element.path.endsWith('[x]') && isChoiceKeyOf(k, op.name)));
      if (present) throw cannot(`${base.type}.${op.name} already has a value; use replace`);
      target[key] = value;
      return;
    }
    case 'insert': {
      const list = listAt(root, selected, op.path, i, cannot);
      if (op.index > list.items.length) throw cannot(`index ${op.index} is beyond the end of the list (${list.items.length} items)`);
      const value = materializeValue(op.value, list.itemType ?? valueType(op.value, undefined));
      spliceAligned(list.owner, list.key, (items) => items.splice(op.index, 0, value), (extras) => extras.splice(op.index, 0, null));
      return;
    }
    case 'move': {
      const list = listAt(root, selected, op.path, i, cannot);
      const last = list.items.length - 1;
      if (op.source > last || op.destination > last) throw cannot(`source and destination must be 0..${last}`);
      const move = (items: unknown[]) => items.splice(op.destination, 0, items.splice(op.source, 1)[0]);
      spliceAligned(list.owner, list.key, move, move);
      return;
    }
    case 'replace': {
      const target = single(selected, cannot);
      if (!target) throw cannot('the path selects nothing to replace');
      replaceAt(locate(root, target, cannot), target, op.value);
      return;
    }
    case 'delete': {
      const target = single(selected, cannot);
      if (target) removeAt(locate(root, target, cannot));
    }
  }
}

function select(root: JsonObject, path: string, i: number): Selected[] {
  let results: TypedValue[];
  try {
    results = evalFhirPathTyped(path, [toTypedValue(root)]);
  } catch (err) {
    throw badRequest(`FHIRPath Patch operation ${i}: invalid FHIRPath ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
  return results.map((r) => {
    const located = (r as TypedValue & { path?: string }).path;
    if (!located) throw unprocessable(`FHIRPath Patch operation ${i}: ${path} selects a value that is not an element of the resource`);
    return { type: r.type, value: r.value, path: located };
  });
}

function single(selected: Selected[], cannot: (m: string) => Error): Selected | undefined {
  if (selected.length > 1) throw cannot(`the path must select one element, it selects ${selected.length}`);
  return selected[0];
}

interface Segment {
  name: string;
  index?: number;
}

/** `Patient.name[0].given` → [name[0], given]. A leading type name (`Patient`) is the resource itself. */
function segmentsOf(path: string, cannot: (m: string) => Error): Segment[] {
  const texts = path.split('.');
  if (/^[A-Z]/.test(texts[0])) texts.shift();
  return texts.map((text) => {
    const m = /^([A-Za-z][A-Za-z0-9_]*)(?:\[(\d+)])?$/.exec(text);
    if (!m) throw cannot(`cannot locate ${path} in the resource`);
    return { name: m[1], index: m[2] === undefined ? undefined : Number(m[2]) };
  });
}

function locate(root: JsonObject, target: Selected, cannot: (m: string) => Error): Location {
  const segments = segmentsOf(target.path, cannot);
  if (segments.length === 0) throw cannot('a patch cannot replace or delete the resource itself');
  let owner = root;
  for (const segment of segments.slice(0, -1)) {
    const key = keyIn(owner, segment.name, undefined, cannot);
    const value = segment.index === undefined ? owner[key] : (owner[key] as unknown[])?.[segment.index];
    if (!isObject(value)) throw cannot(`cannot locate ${target.path} in the resource`);
    owner = value;
  }
  const last = segments[segments.length - 1];
  return { owner, key: keyIn(owner, last.name, target.type, cannot), index: last.index };
}

function objectAt(root: JsonObject, path: string, cannot: (m: string) => Error): JsonObject {
  if (/^[A-Z][A-Za-z]*$/.test(path)) return root;
  const location = locate(root, { type: '', value: undefined, path }, cannot);
  const value = valueAt(location);
  if (!isObject(value)) throw cannot(`${path} is a primitive value; nothing can be added to it`);
  return value;
}

/** The JSON key of an element: its name, or for a choice element the name with its type (`deceasedBoolean`). */
function keyIn(owner: JsonObject, name: string, type: string | undefined, cannot: (m: string) => Error): string {
  if (name in owner) return name;
  if (type) {
    const typed = name + type.charAt(0).toUpperCase() + type.slice(1);
    if (typed in owner) return typed;
  }
  const candidates = Object.keys(owner).filter((k) => isChoiceKeyOf(k, name));
  if (candidates.length !== 1) throw cannot(`cannot locate element ${name} in the resource`);
  return candidates[0];
}

function isChoiceKeyOf(key: string, name: string): boolean {
  return key.length > name.length && key.startsWith(name) && /[A-Z]/.test(key.charAt(name.length));
}

interface ListLocation {
  owner: JsonObject;
  key: string;
  items: unknown[];
  itemType?: string;
}

/** insert and move name a whole list: every item, in order, of one repeating element. */
function listAt(root: JsonObject, selected: Selected[], path: string, i: number, cannot: (m: string) => Error): ListLocation {
  if (selected.length === 0) return emptyListAt(root, path, i, cannot);
  const first = /^(.*)\[0]$/.exec(selected[0].path);
  if (!first) throw cannot('the path must select a list (a repeating element), not a single item');
  const prefix = first[1];
  selected.forEach((item, n) => {
    if (item.path !== `${prefix}[${n}]`) throw cannot('the path must select every item of one list, in order');
  });
  const location = locate(root, { ...selected[0], path: prefix }, cannot);
  const items = location.owner[location.key];
  if (!Array.isArray(items) || items.length !== selected.length) throw cannot('the path must select every item of one list');
  return { owner: location.owner, key: location.key, items, itemType: selected[0].type };
}

/** An absent list (`Patient.identifier` with no identifiers): insert at 0 creates it under its parent. */
function emptyListAt(root: JsonObject, path: string, i: number, cannot: (m: string) => Error): ListLocation {
  const m = /^(.+)\.([A-Za-z][A-Za-z0-9]*)$/.exec(path.trim());
  const parents = m ? select(root, m[1], i) : [];
  if (!m || parents.length !== 1) throw cannot('the path selects no list to work on');
  const element = getElementDefinition(parents[0].type, m[2]);
  if (!element?.isArray) throw cannot(`${parents[0].type}.${m[2]} is not a repeating element`);
  return { owner: objectAt(root, parents[0].path, cannot), key: m[2], items: [], itemType: element.type.length === 1 ? element.type[0].code : undefined };
}

function valueAt(location: Location): unknown {
  const value = location.owner[location.key];
  return location.index === undefined ? value : (value as unknown[] | undefined)?.[location.index];
}

function replaceAt(location: Location, target: Selected, value: PatchValue): void {
  const newValue = materializeValue(value, valueType(value, undefined) ?? target.type);
  if (location.index !== undefined) {
    (location.owner[location.key] as unknown[])[location.index] = newValue;
    return;
  }
  const name = location.key;
  // A choice element may change type (deceasedBoolean → deceasedDateTime): the key follows the new type.
  const choiceName = segmentName(target.path);
  if (name !== choiceName && value.kind === 'typed' && isChoiceKeyOf(name, choiceName)) {
    delete location.owner[name];
    delete location.owner[`_${name}`];
    location.owner[choiceKey(choiceName, value.type)] = newValue;
    return;
  }
  location.owner[name] = newValue;
}

function segmentName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+]$/, '');
}

function removeAt(location: Location): void {
  const { owner, key, index } = location;
  if (index === undefined) {
    delete owner[key];
    delete owner[`_${key}`];
    return;
  }
  spliceAligned(owner, key, (items) => items.splice(index, 1), (extras) => extras.splice(index, 1));
}

/**
 * Edits a list and, when present, its parallel `_key` list of primitive extensions, so they stay aligned.
 * Empty lists are dropped: FHIR JSON has no empty arrays.
 */
function spliceAligned(owner: JsonObject, key: string, edit: (items: unknown[]) => void, editExtras: (items: unknown[]) => void): void {
  const items = (owner[key] ??= []) as unknown[];
  edit(items);
  if (items.length === 0) delete owner[key];
  const extras = owner[`_${key}`];
  if (Array.isArray(extras)) {
    editExtras(extras);
    if (extras.every((e) => e === null || e === undefined)) delete owner[`_${key}`];
  }
}

/** FHIR JSON has no empty objects or arrays; a delete can leave one behind (e.g. the last field of a name). */
function removeEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(removeEmpty).filter((item) => !(isObject(item) && Object.keys(item).length === 0));
  }
  if (!isObject(value)) return value;
  for (const [key, child] of Object.entries(value)) {
    const cleaned = removeEmpty(child);
    const empty = cleaned === undefined || (Array.isArray(cleaned) && cleaned.length === 0)
      || (isObject(cleaned) && Object.keys(cleaned).length === 0);
    if (empty) delete value[key];
    else value[key] = cleaned;
  }
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
