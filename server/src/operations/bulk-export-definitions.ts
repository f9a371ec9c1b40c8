/**
 * The Bulk Data Access IG's `$export` OperationDefinitions (system, Patient, Group), by their canonical URLs, with
 * the parameters we implement. The CapabilityStatement lists them under these URLs, as the Bulk Data tests expect.
 */
import type { OperationDefinition, OperationDefinitionParameter } from '@medplum/fhirtypes';

const BULK_IG = 'http://hl7.org/fhir/uv/bulkdata';

const COMMON_PARAMETERS: OperationDefinitionParameter[] = [
  { name: '_outputFormat', use: 'in', min: 0, max: '1', type: 'string', documentation: 'application/fhir+ndjson (also application/ndjson, ndjson): the only format offered.' },
  { name: '_since', use: 'in', min: 0, max: '1', type: 'instant', documentation: 'Only resources changed after this instant.' },
  { name: '_type', use: 'in', min: 0, max: '*', type: 'string', documentation: 'Comma-separated resource types to export (default: every type the token may read).' },
  { name: '_typeFilter', use: 'in', min: 0, max: '*', type: 'string', documentation: 'Search queries (`Type?param=value`) that resources of their type must match; several for one type are ORed.' },
  { name: '_elements', use: 'in', min: 0, max: '*', type: 'string', documentation: 'Comma-separated top-level elements (`element` or `Type.element`) to keep; mandatory elements stay, and subsetted resources are tagged SUBSETTED.' },
  { name: 'includeAssociatedData', use: 'in', min: 0, max: '*', type: 'code', documentation: 'LatestProvenanceResources: also export the latest Provenance targeting each exported resource (in the Provenance file).' },
];

const PATIENT_PARAMETER: OperationDefinitionParameter = {
  name: 'patient', use: 'in', min: 0, max: '*', type: 'Reference', documentation: 'POST only: limit the export to these patients.',
};

function definition(id: string, name: string, levels: { system?: boolean; resource?: string[]; type?: boolean; instance?: boolean }, parameters: OperationDefinitionParameter[]): OperationDefinition {
  return {
    resourceType: 'OperationDefinition',
    id,
    url: `${BULK_IG}/OperationDefinition/${id}`,
    version: '2.0.0',
    name,
    title: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
    status: 'active',
    kind: 'operation',
    code: 'export',
    affectsState: false,
    system: levels.system ?? false,
    type: levels.type ?? false,
    instance: levels.instance ?? false,
    ...(levels.resource ? { resource: levels.resource as OperationDefinition['resource'] } : {}),
    description: 'Starts an asynchronous export (Prefer: respond-async): 202 with the status URL in Content-Location; poll it until 200 gives the manifest of NDJSON files.',
    parameter: parameters,
  };
}

export const SYSTEM_EXPORT = definition('export', 'BulkDataExport', { system: true }, COMMON_PARAMETERS);
export const PATIENT_EXPORT = definition('patient-export', 'PatientLevelExport', { type: true, resource: ['Patient'] }, [...COMMON_PARAMETERS, PATIENT_PARAMETER]);
export const GROUP_EXPORT = definition('group-export', 'GroupLevelExport', { instance: true, resource: ['Group'] }, [...COMMON_PARAMETERS, PATIENT_PARAMETER]);
