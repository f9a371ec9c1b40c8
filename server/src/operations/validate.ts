/**
 * $validate at type (`POST /Patient/$validate`) and instance level (`POST|GET /Patient/123/$validate`), with an
 * optional `profile` and `mode` (create, update, delete). Answers 200 with every issue found, never writes.
 */
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { badRequest, issue, notFound, outcome } from '../errors';
import { collectIssues } from '../validation/validate-resource';
import { r4OperationDefinition, type OperationDeclaration, type OperationTarget } from './registry';
import type { FhirContext } from '../fhir/types';

const MODES = new Set(['create', 'update', 'delete']);

export const validateOperation: OperationDeclaration = {
  definition: r4OperationDefinition('Resource-validate'),
  bodyParameter: 'resource',
  handler: async (input, ctx, target) => {
    const mode = input.string('mode');
    if (mode !== undefined && !MODES.has(mode)) throw badRequest(`mode must be create, update or delete, not ${JSON.stringify(mode)}`);
    const resourceType = target.resourceType!;
    if (mode === 'delete') return { status: 200, body: await validateDelete(ctx, target) };

    const resource = input.resource('resource') ?? (target.id ? await readStored(ctx, resourceType, target.id) : undefined);
    if (!resource) throw badRequest(`$validate needs the resource to validate (the body, or a Parameters with "resource")`);
    if (resource.resourceType !== resourceType) {
      throw badRequest(`The resource is a ${String(resource.resourceType)}, but $validate was called on ${resourceType}`);
    }
    const modeIssues = checkMode(resource, mode, target);
    const issues = [...modeIssues, ...collectIssues(resource, { profile: input.string('profile') })];
    return { status: 200, body: issues.length > 0 ? outcome(...issues) : noIssues() };
  },
};

function checkMode(resource: Resource, mode: string | undefined, target: OperationTarget) {
  if (mode === 'update' && !resource.id) return [issue('error', 'required', 'An update needs the resource id', [`${resource.resourceType}.id`])];
  if (target.id && resource.id !== undefined && resource.id !== target.id) {
    return [issue('error', 'invalid', `Resource id ${JSON.stringify(resource.id)} does not match the URL id ${JSON.stringify(target.id)}`, [`${resource.resourceType}.id`])];
  }
  return [];
}

async function validateDelete(ctx: FhirContext, target: OperationTarget): Promise<OperationOutcome> {
  if (!target.id) throw badRequest('$validate with mode=delete is called on an instance: /Type/id/$validate');
  await readStored(ctx, target.resourceType!, target.id);
  return noIssues();
}

async function readStored(ctx: FhirContext, resourceType: string, id: string): Promise<Resource> {
  const current = await ctx.repo.readCurrent(resourceType, id);
  if (!current || current.deleted) throw notFound(`${resourceType}/${id} does not exist`);
  return current.resource;
}

function noIssues(): OperationOutcome {
  return outcome(issue('information', 'informational', 'No issues detected during validation'));
}
