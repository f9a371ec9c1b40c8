/**
 * `SearchParameter/$reindex` in the operations registry (so the CapabilityStatement lists it and the access guard
 * treats it like every operation: administrators only): POST starts a job, GET ?job=<id> reports on it. The work
 * itself is the search engine's (search/reindex/reindex-handler.ts).
 */
import type { OperationDefinition } from '@medplum/fhirtypes';
import { reindexStatus, startReindex } from '../search/reindex/reindex-handler';
import type { OperationDeclaration } from './registry';

const definition: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'reindex',
  url: 'http://iop-fhir.org/fhir/OperationDefinition/reindex',
  name: 'Reindex',
  title: 'Reindex resources for SearchParameters',
  status: 'active',
  kind: 'operation',
  description: 'POST registers stored SearchParameters (by url; all when none is named) or takes resource types, and starts a durable reindex job (202, Content-Location to its status). GET with job reports its progress. Administrators only.',
  // Resources do not change; GET (status) must stay possible.
  affectsState: false,
  code: 'reindex',
  resource: ['SearchParameter'],
  system: false,
  type: true,
  instance: false,
  parameter: [
    { name: 'url', use: 'in', min: 0, max: '*', type: 'uri', documentation: 'Stored SearchParameters to register and reindex for' },
    { name: 'resourceType', use: 'in', min: 0, max: '*', type: 'code', documentation: 'Types to reindex as they are' },
    { name: 'job', use: 'in', min: 0, max: '1', type: 'string', documentation: 'GET: the job to report on' },
    { name: 'return', use: 'out', min: 1, max: '1', type: 'Parameters', documentation: 'The job: id, status, counts, times' },
  ],
};

export const reindexOperation: OperationDeclaration = {
  definition,
  handler: (_input, ctx, target, req) => {
    const params = { resourceType: target.resourceType };
    return req.method === 'GET' ? reindexStatus(req, params, ctx) : startReindex(req, params, ctx);
  },
};
