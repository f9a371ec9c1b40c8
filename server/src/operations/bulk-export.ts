/**
 * Bulk Data kick-off: `GET|POST /$export`, `/Patient/$export`, `/Group/{id}/$export` (Bulk Data Access 2.0).
 * Checks the request, fixes the resource types the token may read, stores a job and wakes this process's export
 * worker; answers 202 with the status URL (http/bulk-export-routes.ts) in Content-Location.
 */
import { randomUUID } from 'node:crypto';
import { getResourceTypes, isResourceType } from '@medplum/core';
import { systemAccess } from '../auth/access-context';
import { grantsFor } from '../auth/access-policy';
import { compartmentTypes, patientIdOf } from '../auth/patient-compartment';
import { badRequest, forbidden } from '../errors';
import { pageUrl } from '../fhir/bundle-links';
import { dispatch } from '../fhir/router';
import type { FhirContext, FhirRequest, FhirResponse } from '../fhir/types';
import { SUPPORTED_ASSOCIATED_DATA } from '../jobs/export-associated';
import { parseExportElements } from '../jobs/export-elements';
import { createExportJob, ExportLevel } from '../jobs/export-job-store';
import { requesterOf } from '../jobs/export-requester';
import { typeFilterCondition } from '../jobs/export-rows';
import { jobWorkerFor } from '../jobs/job-workers';
import { GROUP_EXPORT, PATIENT_EXPORT, SYSTEM_EXPORT } from './bulk-export-definitions';
import type { OperationInput } from './operation-input';
import type { OperationDeclaration, OperationTarget } from './registry';

const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
/** Kept out of every export: the audit trail has its own (administrator) API, and these hold no exportable data. */
const NEVER_EXPORTED = new Set(['AuditEvent', 'Parameters', 'Bundle', 'Binary', 'OperationOutcome']);

export const bulkExportOperations: OperationDeclaration[] = [
  { definition: SYSTEM_EXPORT, handler: (input, ctx, target, req) => kickOff('system', input, ctx, target, req) },
  { definition: PATIENT_EXPORT, handler: (input, ctx, target, req) => kickOff('patient', input, ctx, target, req) },
  { definition: GROUP_EXPORT, handler: (input, ctx, target, req) => kickOff('group', input, ctx, target, req) },
];

async function kickOff(level: ExportLevel, input: OperationInput, ctx: FhirContext, target: OperationTarget, req: FhirRequest): Promise<FhirResponse> {
  if (!/\brespond-async\b/.test(req.headers.prefer ?? '')) {
    throw badRequest('$export runs asynchronously: send the header "Prefer: respond-async"');
  }
  const format = input.string('_outputFormat');
  if (format !== undefined && !OUTPUT_FORMATS.has(format)) {
    throw badRequest(`_outputFormat ${format} is not supported; use application/fhir+ndjson`);
  }
  const access = ctx.access ?? systemAccess();
  if (level === 'group') await dispatch({ method: 'GET', path: `Group/${target.id}`, query: {}, headers: {} }, ctx); // 404 unless readable
  const typeFilters = parseTypeFilters(input.strings('_typeFilter'));
  const types = exportTypes(level, input.strings('_type'), typeFilters, access.policy);
  const patients = level === 'system' ? [] : patientIds(input);
  if (patients.length > 0 && req.method !== 'POST') throw badRequest('The patient parameter is accepted only in a POST Parameters body');
  const id = randomUUID();
  await createExportJob(ctx.repo, id, {
    level,
    groupId: target.id,
    types,
    since: input.instant('_since'),
    typeFilters,
    elements: parseExportElements(input.strings('_elements')),
    associatedData: associatedData(input.strings('includeAssociatedData'), access.policy),
    requestUrl: pageUrl(ctx.baseUrl, req.path, req.query, {}),
    requester: requesterOf(access),
    patients,
  });
  jobWorkerFor('export', ctx.repo)?.wake();
  return { status: 202, headers: { 'Content-Location': `${ctx.baseUrl}/bulk-export/${id}` } };
}

/** The requested types (or, by default, every exportable type of the level) that the token may read. */
function exportTypes(level: ExportLevel, requested: string[], typeFilters: Record<string, string[]>, policy: Parameters<typeof grantsFor>[0]): string[] {
  const named = requested.flatMap((value) => value.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const type of named) {
    if (!isResourceType(type)) throw badRequest(`_type: unknown resource type ${type}`);
    if (NEVER_EXPORTED.has(type)) throw badRequest(`_type: ${type} resources are not exported`);
    if (level !== 'system' && type !== 'Patient' && !compartmentTypes().includes(type)) {
      throw badRequest(`_type: ${type} is not in the Patient compartment, so a ${level}-level export holds none`);
    }
    if (grantsFor(policy, type, 'r').length === 0) throw forbidden(`No granted scope allows reading ${type}, so it cannot be exported`);
  }
  const candidates = named.length > 0 ? [...new Set(named)] : defaultTypes(level);
  const types = candidates.filter((type) => grantsFor(policy, type, 'r').length > 0).sort();
  for (const type of Object.keys(typeFilters)) {
    if (!types.includes(type)) throw badRequest(`_typeFilter names ${type}, which this export does not include`);
  }
  if (types.length === 0) throw forbidden('The granted scopes allow reading none of the resource types to export');
  return types;
}

/** Every type the server stores (as the CapabilityStatement lists them), or the Patient compartment's; the job skips empty ones in one statement. */
function defaultTypes(level: ExportLevel): string[] {
  const types = level === 'system' ? getResourceTypes() : ['Patient', ...compartmentTypes()];
  return [...new Set(types)].filter((type) => !NEVER_EXPORTED.has(type) && isResourceType(type));
}

/** `_typeFilter` values: queries `Type?criteria`, repeated or comma-separated, grouped by type and checked now. */
function parseTypeFilters(values: string[]): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const query of values.flatMap((v) => v.split(/,(?=[A-Z][A-Za-z]+\?)/))) {
    const m = /^([A-Z][A-Za-z]+)\?(.+)$/.exec(query.trim());
    if (!m || !isResourceType(m[1])) throw badRequest(`_typeFilter ${query} must look like Type?param=value`);
    typeFilterCondition(m[1], m[2]); // 400 for unknown or non-filter parameters, at kick-off rather than in the job
    (filters[m[1]] ??= []).push(m[2]);
  }
  return filters;
}

/** `includeAssociatedData`: the values we support, and the Provenance they add must be readable. */
function associatedData(values: string[], policy: Parameters<typeof grantsFor>[0]): string[] {
  const requested = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  for (const value of requested) {
    if (!SUPPORTED_ASSOCIATED_DATA.includes(value)) throw badRequest(`includeAssociatedData=${value} is not supported; supported: ${SUPPORTED_ASSOCIATED_DATA.join(', ')}`);
  }
  if (requested.length > 0 && grantsFor(policy, 'Provenance', 'r').length === 0) throw forbidden('includeAssociatedData needs a scope that allows reading Provenance');
  return requested;
}

function patientIds(input: OperationInput): string[] {
  return input.all('patient').map((p) => {
    const id = patientIdOf(p.valueReference?.reference);
    if (!id) throw badRequest('patient must be a reference such as Patient/123');
    return id;
  });
}
