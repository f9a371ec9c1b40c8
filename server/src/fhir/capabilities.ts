/**
 * The CapabilityStatement, generated from the route table and the search-parameter registry: what it lists is
 * exactly what the router serves. Cached until the registry changes (a SearchParameter added on any process reaches
 * this one's registry by notification, and its generation moves on).
 */
import { smartRestSecurity } from '../auth/discovery';
import { getResourceTypes } from '@medplum/core';
import type { CapabilityStatement, CapabilityStatementRestResource, OperationDefinition } from '@medplum/fhirtypes';
import { operationsForType, systemOperations } from '../operations/registry';
import { SUBSCRIPTION_TOPICS } from '../domain/subscription-topics';
import { SUPPORTED_COMPARTMENTS } from '../search/compartments';
import { registryGeneration, searchParamsFor } from '../search/registry';
import { listOwnProfiles } from '../validation/profile-registry';
import { listRoutes } from './router';
import { summarizeResource } from './summary';
import { firstParam, FhirContext, FhirRequest, FhirResponse, Interaction, RouteParams } from './types';

const TOPIC_CANONICAL_EXTENSION = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical';

type TypeInteraction = NonNullable<CapabilityStatementRestResource['interaction']>[number]['code'];

const TYPE_LEVEL: Partial<Record<Interaction, TypeInteraction>> = {
  read: 'read', vread: 'vread', update: 'update', patch: 'patch', delete: 'delete',
  'history-instance': 'history-instance', 'history-type': 'history-type', create: 'create', 'search-type': 'search-type',
};

let cached: { baseUrl: string; generation: number; statement: CapabilityStatement } | undefined;

/** `GET metadata`; `_summary`/`_elements` give a subset marked SUBSETTED (R4 http.html#capabilities: `_summary=true`). */
export async function capabilities(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const generation = registryGeneration();
  if (cached?.baseUrl !== ctx.baseUrl || cached.generation !== generation) {
    cached = { baseUrl: ctx.baseUrl, generation, statement: buildCapabilityStatement(ctx.baseUrl) };
  }
  const elements = firstParam(req.query, '_elements')?.split(',').map((e) => e.trim()).filter(Boolean);
  return { status: 200, body: summarizeResource(cached.statement, firstParam(req.query, '_summary'), elements) };
}

export function buildCapabilityStatement(baseUrl: string): CapabilityStatement {
  const routes = listRoutes();
  const has = (interaction: Interaction) => routes.some((r) => r.interaction === interaction);
  const typeInteractions = [...new Set(routes.map((r) => TYPE_LEVEL[r.interaction]).filter((i): i is TypeInteraction => !!i))];
  const resources: CapabilityStatementRestResource[] = getResourceTypes()
    .filter((t: string) => t !== 'Resource' && t !== 'DomainResource')
    .sort()
    .map((type) => ({
      type,
      interaction: typeInteractions.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: has('create'),
      conditionalRead: 'not-supported',
      conditionalUpdate: has('conditional-update'),
      conditionalDelete: has('conditional-delete') ? 'single' : 'not-supported',
      referencePolicy: ['literal', 'logical'],
      searchParam: [...searchParamsFor(type).values()].map((p) => ({
        name: p.code, type: p.type, ...(p.definition.url ? { definition: p.definition.url } : {}),
      })),
      ...supportedProfiles(type),
      ...operationsOf(operationsForType(type)),
      ...(type === 'Subscription' ? subscriptionTopics() : {}),
    }));
  const systemInteractions = (['batch', 'history-system', 'search-system'] as const)
    .filter((code) => has(code === 'batch' ? 'batch' : code))
    .map((code) => ({ code }));
  if (has('batch')) systemInteractions.push({ code: 'transaction' } as never);
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    // Declared only when the operations registry really offers $export (operations/bulk-export.ts).
    ...(systemOperations().some((d) => d.code === 'export') ? { instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'] } : {}),
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    patchFormat: has('patch') ? ['application/json-patch+json', 'application/fhir+json'] : undefined,
    software: { name: 'iop-fhir', version: '0.1.0' },
    implementation: { description: 'iop-fhir: FHIR R4 server for behavioral-health IOP/PHP programs', url: baseUrl },
    rest: [{
      mode: 'server', security: smartRestSecurity(baseUrl), resource: resources, interaction: systemInteractions, ...operationsOf(systemOperations()),
      ...(has('search-compartment') ? { compartment: SUPPORTED_COMPARTMENTS.map((type) => `http://hl7.org/fhir/CompartmentDefinition/${type.toLowerCase()}`) } : {}),
    }],
  };
}

/** The topics Subscriptions may follow (Subscriptions R5 Backport IG), as the backport advertises them. */
function subscriptionTopics(): Pick<CapabilityStatementRestResource, 'extension' | 'supportedProfile'> {
  return {
    extension: SUBSCRIPTION_TOPICS.map((t) => ({ url: TOPIC_CANONICAL_EXTENSION, valueCanonical: t.url })),
    supportedProfile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'],
  };
}

/** Our profiles of this type (profiles/, loaded at start by conformance/). */
function supportedProfiles(type: string): Pick<CapabilityStatementRestResource, 'supportedProfile'> {
  const urls = listOwnProfiles(type).map((sd) => sd.url!);
  return urls.length > 0 ? { supportedProfile: urls } : {};
}

function operationsOf(definitions: OperationDefinition[]): Pick<CapabilityStatementRestResource, 'operation'> {
  return definitions.length > 0 ? { operation: definitions.map((d) => ({ name: d.code!, definition: d.url! })) } : {};
}
