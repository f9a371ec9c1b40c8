/**
 * An operation's input parameters, from the query string or form (typed by the OperationDefinition) and from a
 * Parameters body (or a bare resource body, for operations that take one), with typed accessors.
 */
import type {
  CodeableConcept, Coding, OperationDefinition, OperationDefinitionParameter, Parameters, ParametersParameter, Resource,
} from '@medplum/fhirtypes';
import { badRequest } from '../errors';
import type { FhirRequest } from '../fhir/types';
import { checkParametersShape } from './parameters-shape';

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);
const STRING_TYPES: Record<string, keyof ParametersParameter> = {
  string: 'valueString', code: 'valueCode', uri: 'valueUri', url: 'valueUrl', canonical: 'valueCanonical', id: 'valueId',
  date: 'valueDate', dateTime: 'valueDateTime', instant: 'valueInstant', markdown: 'valueMarkdown', oid: 'valueOid',
};

export class OperationInput {
  constructor(readonly parameters: ParametersParameter[]) {}

  all(name: string): ParametersParameter[] {
    return this.parameters.filter((p) => p.name === name);
  }

  has(name: string): boolean {
    return this.parameters.some((p) => p.name === name);
  }

  /** Any primitive value as text (string, code, uri, canonical, …). */
  string(name: string): string | undefined {
    const parameter = this.all(name)[0];
    if (!parameter) return undefined;
    const value = primitiveOf(parameter);
    if (value === undefined) throw badRequest(`Parameter ${name} must have a primitive value`);
    return String(value);
  }

  strings(name: string): string[] {
    return this.all(name).map((p) => primitiveOf(p)).filter((v) => v !== undefined).map(String);
  }

  integer(name: string): number | undefined {
    const parameter = this.all(name)[0];
    if (!parameter) return undefined;
    const value = parameter.valueInteger ?? parameter.valuePositiveInt ?? parameter.valueUnsignedInt ?? Number(primitiveOf(parameter));
    if (!Number.isInteger(value) || value < 0) throw badRequest(`Parameter ${name} must be a non-negative integer`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const parameter = this.all(name)[0];
    if (!parameter) return undefined;
    const value = parameter.valueBoolean ?? primitiveOf(parameter);
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw badRequest(`Parameter ${name} must be true or false`);
  }

  /** A FHIR instant (`2026-01-01T00:00:00Z`, or with an offset), as an ISO string in UTC. */
  instant(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const text = value.replace(' ', '+'); // an unencoded '+' of a UTC offset arrives as a space
    if (!INSTANT_RE.test(text) || Number.isNaN(Date.parse(text))) {
      throw badRequest(`Parameter ${name} must be an instant such as 2026-01-01T00:00:00Z, not ${JSON.stringify(value)}`);
    }
    return new Date(text).toISOString();
  }

  coding(name: string): Coding | undefined {
    const parameter = this.all(name)[0];
    if (parameter && !parameter.valueCoding) throw badRequest(`Parameter ${name} must be a Coding`);
    return parameter?.valueCoding;
  }

  codeableConcept(name: string): CodeableConcept | undefined {
    const parameter = this.all(name)[0];
    if (parameter && !parameter.valueCodeableConcept) throw badRequest(`Parameter ${name} must be a CodeableConcept`);
    return parameter?.valueCodeableConcept;
  }

  resource<T extends Resource = Resource>(name: string): T | undefined {
    const parameter = this.all(name)[0];
    if (parameter && !parameter.resource) throw badRequest(`Parameter ${name} must contain a resource`);
    return parameter?.resource as T | undefined;
  }
}

export function parseOperationInput(req: FhirRequest, definition: OperationDefinition, bodyParameter?: string): OperationInput {
  const inputs = new Map((definition.parameter ?? []).filter((p) => p.use === 'in' && p.name).map((p) => [p.name!, p]));
  const parameters: ParametersParameter[] = [];
  for (const [name, values] of Object.entries(req.query)) {
    const declared = inputs.get(name);
    if (!declared) continue; // _format, _pretty and the like are not operation parameters
    for (const value of values) parameters.push(fromQuery(declared, value));
  }
  if (!isEmptyBody(req.body)) parameters.push(...fromBody(req.body, definition, bodyParameter));
  return new OperationInput(parameters);
}

/** No body at all, or what the JSON parser makes of an empty one. */
function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '' || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
}

function fromQuery(declared: OperationDefinitionParameter, value: string): ParametersParameter {
  const name = declared.name!;
  const type = declared.type ?? 'string';
  if (INTEGER_TYPES.has(type)) {
    if (!/^\d+$/.test(value)) throw badRequest(`Parameter ${name} must be a non-negative integer, not ${JSON.stringify(value)}`);
    return { name, valueInteger: Number(value) };
  }
  if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') throw badRequest(`Parameter ${name} must be true or false, not ${JSON.stringify(value)}`);
    return { name, valueBoolean: value === 'true' };
  }
  if (type === 'decimal') {
    if (!Number.isFinite(Number(value)) || value.trim() === '') throw badRequest(`Parameter ${name} must be a number`);
    return { name, valueDecimal: Number(value) };
  }
  const key = STRING_TYPES[type];
  if (key) return { name, [key]: value } as ParametersParameter;
  if (!declared.type) return { name, valueString: value };
  throw badRequest(`Parameter ${name} has type ${type}: send it in a Parameters body (POST)`);
}

function fromBody(body: unknown, definition: OperationDefinition, bodyParameter: string | undefined): ParametersParameter[] {
  if (typeof body !== 'object' || Array.isArray(body) || typeof (body as Resource).resourceType !== 'string') {
    throw badRequest(`The body of $${definition.code} must be a Parameters resource${bodyParameter ? ' or the resource itself' : ''}`);
  }
  const resource = body as Resource;
  if (resource.resourceType === 'Parameters') {
    const parameters = (resource as Parameters).parameter ?? [];
    if (!Array.isArray(parameters) || parameters.some((p) => typeof p?.name !== 'string')) {
      throw badRequest('Every Parameters.parameter needs a name', ['Parameters.parameter']);
    }
    checkParametersShape(resource as Parameters);
    return parameters;
  }
  if (bodyParameter) return [{ name: bodyParameter, resource }];
  throw badRequest(`The body of $${definition.code} must be a Parameters resource, not ${resource.resourceType}`);
}

function primitiveOf(parameter: ParametersParameter): string | number | boolean | undefined {
  for (const key in parameter) {
    if (!key.startsWith('value')) continue;
    const value = (parameter as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  }
  return undefined;
}
