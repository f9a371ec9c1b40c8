/**
 * Reading a FHIRPath Patch document (a Parameters resource, https://hl7.org/fhir/R4/fhirpatch.html) into plain
 * operations, and turning an operation's value into FHIR JSON once we know which element it goes into.
 * Anything wrong with the document itself is a 400, before the resource is looked at.
 */
import { deepClone, getElementDefinition, getTypedPropertyValue, type InternalSchemaElement } from '@medplum/core';
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '../errors';

/** `value[x]` (its FHIR type is known) or nested `part`s (an anonymous or complex type built element by element). */
export type PatchValue =
  | { kind: 'typed'; type: string; value: unknown }
  | { kind: 'parts'; parts: ParametersParameter[] };

export type FhirPathPatchOperation =
  | { type: 'add'; path: string; name: string; value: PatchValue }
  | { type: 'insert'; path: string; index: number; value: PatchValue }
  | { type: 'delete'; path: string }
  | { type: 'replace'; path: string; value: PatchValue }
  | { type: 'move'; path: string; source: number; destination: number };

const OPERATION_TYPES = new Set(['add', 'insert', 'delete', 'replace', 'move']);
const PART_NAMES = new Set(['type', 'path', 'name', 'value', 'index', 'source', 'destination']);

export function isFhirPathPatch(body: unknown): body is Parameters {
  return !!body && typeof body === 'object' && (body as { resourceType?: unknown }).resourceType === 'Parameters';
}

export function parseFhirPathPatch(parameters: Parameters): FhirPathPatchOperation[] {
  const params = parameters.parameter;
  if (!Array.isArray(params) || params.length === 0) throw badRequest('The FHIRPath Patch has no operation parameters', ['Parameters.parameter']);
  return params.map((param, i) => parseOperation(param, i));
}

function parseOperation(param: ParametersParameter, i: number): FhirPathPatchOperation {
  const where = `Parameters.parameter[${i}]`;
  const fail = (message: string): never => {
    throw badRequest(`FHIRPath Patch operation ${i}: ${message}`, [where]);
  };
  if (param?.name !== 'operation') fail(`every parameter must be named "operation", not ${JSON.stringify(param?.name ?? null)}`);
  const parts = new Map<string, ParametersParameter>();
  for (const part of param.part ?? []) {
    if (!PART_NAMES.has(part.name)) fail(`unknown part ${JSON.stringify(part.name)}`);
    if (parts.has(part.name)) fail(`part "${part.name}" appears more than once`);
    parts.set(part.name, part);
  }
  const type = parts.get('type')?.valueCode ?? parts.get('type')?.valueString;
  if (!type || !OPERATION_TYPES.has(type)) fail(`"type" must be one of add, insert, delete, replace, move (got ${JSON.stringify(type ?? null)})`);
  const path = parts.get('path')?.valueString;
  if (!path || !path.trim()) fail('"path" (valueString, a FHIRPath expression) is required');
  const value = () => readValue(parts.get('value'), fail);
  const integer = (name: string) => {
    const n = parts.get(name)?.valueInteger;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`"${name}" (valueInteger, 0 or more) is required for ${type}`);
    return n as number;
  };
  switch (type) {
    case 'add': {
      const name = parts.get('name')?.valueString;
      if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) fail('"name" (valueString, the element to add) is required for add');
      return { type, path: path!, name: name!, value: value() };
    }
    case 'insert':
      return { type, path: path!, index: integer('index'), value: value() };
    case 'replace':
      return { type, path: path!, value: value() };
    case 'move':
      return { type, path: path!, source: integer('source'), destination: integer('destination') };
    default:
      return { type: 'delete', path: path! };
  }
}

function readValue(part: ParametersParameter | undefined, fail: (message: string) => never): PatchValue {
  if (!part) return fail('"value" is required for this operation type');
  const typed = getTypedPropertyValue({ type: 'ParametersParameter', value: part }, 'value');
  const hasParts = Array.isArray(part.part) && part.part.length > 0;
  if (typed && !Array.isArray(typed) && typed.value !== undefined) {
    if (hasParts) fail('"value" has both value[x] and parts');
    return { kind: 'typed', type: typed.type, value: typed.value };
  }
  if (hasParts) return { kind: 'parts', parts: part.part! };
  return fail('"value" needs a value[x] or parts');
}

/** The FHIR type a value has, if it says so itself (value[x]) or the element it goes into has only one type. */
export function valueType(value: PatchValue, element: InternalSchemaElement | undefined): string | undefined {
  if (value.kind === 'typed') return value.type;
  return element?.type.length === 1 ? element.type[0].code : undefined;
}

/**
 * FHIR JSON for a value going into an element of type `typeName` (when known). Parts become properties; the
 * element definitions decide which properties are lists and what a choice element (`value[x]`) is called.
 */
export function materializeValue(value: PatchValue, typeName: string | undefined): unknown {
  if (value.kind === 'typed') return deepClone(value.value);
  const result: Record<string, unknown> = {};
  for (const part of value.parts) {
    if (!part.name) throw badRequest('FHIRPath Patch: every part of a value needs a name');
    const element = typeName ? getElementDefinition(typeName, part.name) : undefined;
    if (typeName && !element) throw badRequest(`FHIRPath Patch: ${typeName} has no element "${part.name}"`);
    const child = readValue(part, (message) => {
      throw badRequest(`FHIRPath Patch: part "${part.name}": ${message}`);
    });
    const childType = valueType(child, element);
    const key = element?.path.endsWith('[x]') ? choiceKey(part.name, childType) : part.name;
    const childValue = materializeValue(child, childType);
    if (element?.isArray || (!element && Object.hasOwn(result, key))) {
      const list = (result[key] ??= []) as unknown[];
      list.push(childValue);
    } else if (Object.hasOwn(result, key)) {
      throw badRequest(`FHIRPath Patch: ${typeName}.${part.name} holds one value but the parts give several`);
    } else result[key] = childValue;
  }
  return result;
}

/** `deceased` + boolean → `deceasedBoolean`. The type must be known: value[x] names it. */
export function choiceKey(name: string, type: string | undefined): string {
  const base = name.replace(/\[x]$/, '');
  if (!type) throw badRequest(`FHIRPath Patch: ${base}[x] is a choice element; give its value as value[x] so the type is known`);
  return base + type.charAt(0).toUpperCase() + type.slice(1);
}
