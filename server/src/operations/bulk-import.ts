/**
 * Bulk Data import kick-off, ping and pull: `POST /$import` with a Parameters body naming NDJSON files by URL. The
 * server checks the request and the token (it must be allowed to create and update every resource of each input's
 * type), stores a job and wakes this process's import worker (jobs/import-worker.ts); it answers 202 with the status
 * URL (http/bulk-import-routes.ts) in Content-Location. docs/bulk-data.md shows the flow.
 */
import { randomUUID } from 'node:crypto';
import type { OperationDefinition, ParametersParameter } from '@medplum/fhirtypes';
import { isResourceType } from '@medplum/core';
import { systemAccess } from '../auth/access-context';
import { scopesReachEveryRow } from '../auth/access-policy';
import { badRequest, forbidden } from '../errors';
import { pageUrl } from '../fhir/bundle-links';
import type { FhirContext, FhirRequest, FhirResponse } from '../fhir/types';
import { requesterOf } from '../jobs/export-requester';
import { localInputPath } from '../jobs/import-file';
import { createImportJob, type ImportInput } from '../jobs/import-job-store';
import { jobWorkerFor } from '../jobs/job-workers';
import type { OperationInput } from './operation-input';
import type { OperationDeclaration } from './registry';

const INPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
/** Written only by the server, or not stored at all. */
const NEVER_IMPORTED = new Set(['AuditEvent', 'Parameters', 'OperationOutcome']);
const MAX_INPUTS = 1000;

const part = (name: string, type: string, min: number, max: string, documentation: string) => ({ name, use: 'in' as const, min, max, type, documentation });

export const BULK_IMPORT: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'import',
  url: 'http://iop-fhir.org/fhir/OperationDefinition/import',
  version: '1.0.0',
  name: 'BulkDataImport',
  title: 'Bulk Data Import (ping and pull)',
  status: 'active',
  kind: 'operation',
  code: 'import',
  affectsState: true,
  system: true,
  type: false,
  instance: false,
  description: 'Starts an asynchronous import (Prefer: respond-async) of NDJSON files the server pulls: 202 with the status URL in '
    + 'Content-Location; poll it until 200 gives, per input, an NDJSON OperationOutcome report. Each input loads all-or-nothing.',
  parameter: [
    part('inputFormat', 'code', 0, '1', 'application/fhir+ndjson (the default and the only format).'),
    part('inputSource', 'uri', 0, '1', 'The server the files come from (recorded with the job).'),
    {
      name: 'storageDetail', use: 'in', min: 0, max: '1', documentation: 'How to reach the files.',
      part: [
        part('type', 'code', 0, '1', 'https (default): GET each url; file: a path under the server\'s IMPORT_FILE_ROOT.'),
        part('bearerToken', 'string', 0, '1', 'https: sent as "Authorization: Bearer …" with each GET; forgotten when the job ends.'),
      ],
    },
    {
      name: 'input', use: 'in', min: 1, max: '*', documentation: 'One NDJSON file of resources of one type.',
      part: [part('type', 'code', 1, '1', 'The resource type of every line.'), part('url', 'uri', 1, '1', 'Where the file is.')],
    },
  ],
};

export const bulkImportOperations: OperationDeclaration[] = [{ definition: BULK_IMPORT, handler: kickOff }];

async function kickOff(input: OperationInput, ctx: FhirContext, _target: unknown, req: FhirRequest): Promise<FhirResponse> {
  if (!/\brespond-async\b/.test(req.headers.prefer ?? '')) throw badRequest('$import runs asynchronously: send the header "Prefer: respond-async"');
  if (req.method !== 'POST') throw badRequest('$import takes a POST with a Parameters body');
  const format = input.string('inputFormat');
  if (format !== undefined && !INPUT_FORMATS.has(format)) throw badRequest(`inputFormat ${format} is not supported; use application/fhir+ndjson`);
  const storage = storageOf(input.all('storageDetail')[0]);
  const inputs = input.all('input').map((p, i) => inputOf(p, i, storage.type));
  if (inputs.length === 0) throw badRequest('$import needs at least one input (parts type and url)');
  if (inputs.length > MAX_INPUTS) throw badRequest(`$import takes at most ${MAX_INPUTS} inputs`);
  const access = ctx.access ?? systemAccess();
  for (const type of new Set(inputs.map((i) => i.type))) {
    if (!scopesReachEveryRow(access.policy, 'c', type) || !scopesReachEveryRow(access.policy, 'u', type)) {
      throw forbidden(`Importing ${type} needs a scope that allows creating and updating every ${type} (e.g. system/${type}.cu)`);
    }
  }
  const id = randomUUID();
  await createImportJob(ctx.repo, id, {
    requestUrl: pageUrl(ctx.baseUrl, req.path, req.query, {}),
    requester: requesterOf(access),
    inputs,
    inputSource: input.string('inputSource'),
    storage,
  });
  jobWorkerFor('import', ctx.repo)?.wake();
  return { status: 202, headers: { 'Content-Location': `${ctx.baseUrl}/bulk-import/${id}` } };
}

function storageOf(detail: ParametersParameter | undefined): { type: 'https' | 'file'; bearerToken?: string } {
  const value = (name: string) => detail?.part?.find((p) => p.name === name);
  const type = value('type')?.valueCode ?? value('type')?.valueString ?? 'https';
  if (type !== 'https' && type !== 'file') throw badRequest(`storageDetail type ${type} is not supported; use https or file`, ['Parameters.parameter.part']);
  const bearerToken = value('bearerToken')?.valueString;
  if (bearerToken !== undefined && type !== 'https') throw badRequest('storageDetail bearerToken goes with type https only');
  return { type, ...(bearerToken ? { bearerToken } : {}) };
}

function inputOf(parameter: ParametersParameter, index: number, storage: 'https' | 'file'): ImportInput {
  const value = (name: string) => {
    const p = parameter.part?.find((x) => x.name === name);
    return p?.valueCode ?? p?.valueUri ?? p?.valueUrl ?? p?.valueString;
  };
  const type = value('type');
  const url = value('url');
  if (!type || !url) throw badRequest(`input ${index + 1} needs the parts type and url`);
  if (!isResourceType(type) || NEVER_IMPORTED.has(type)) throw badRequest(`input ${index + 1}: ${type} resources cannot be imported`);
  if (storage === 'file') localInputPath(url); // 400 now, not in the job, for a path outside IMPORT_FILE_ROOT
  else if (!/^https?:\/\/[^/]/.test(url)) throw badRequest(`input ${index + 1}: url must be an http(s) URL, not ${url}`);
  return { type, url };
}
