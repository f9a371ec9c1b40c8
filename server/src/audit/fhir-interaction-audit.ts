/** The AuditRecord of one FHIR interaction: who (from the access context), what, which patients, and the outcome. */
import type { Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../auth/access-context';
import type { FhirRequest, FhirResponse, Interaction, RouteParams } from '../fhir/types';
import type { AuditAction, AuditOutcome, AuditRecord } from './audit-record';
import type { DisclosureRecord } from './part2-disclosures';

const ACTIONS: Partial<Record<Interaction, AuditAction>> = {
  create: 'C', read: 'R', vread: 'R', 'history-instance': 'R', 'history-type': 'R', 'history-system': 'R', capabilities: 'R',
  update: 'U', patch: 'U', 'conditional-update': 'U', 'conditional-patch': 'U', delete: 'D', 'conditional-delete': 'D',
};
const PATIENT_PARAMS = ['patient', 'subject', 'beneficiary', 'individual'];
const MAX_QUERY = 2000;

export function fhirAuditRecord(
  access: AccessContext,
  interaction: Interaction,
  params: RouteParams,
  req: FhirRequest,
  result: { response?: FhirResponse; status: number; message?: string; disclosures?: DisclosureRecord[] },
): AuditRecord {
  const body = result.response?.body;
  const subtype = interaction === 'batch' ? batchType(req) : interaction;
  const entities = new Set<string>();
  const instance = instanceOf(params);
  if (instance) entities.add(instance);
  if (body && body.resourceType !== 'Bundle' && body.resourceType !== 'OperationOutcome' && body.id) entities.add(`${body.resourceType}/${body.id}`);
  return {
    kind: 'rest',
    subtype,
    action: ACTIONS[interaction] ?? 'E',
    outcome: outcomeOf(result.status),
    outcomeDescription: result.message,
    agent: { ...access.principal },
    sourceIp: access.sourceIp,
    patients: [...patientsOf(access, params, req, body)],
    entities: [...entities],
    query: requestLine(req),
    requestId: access.requestId,
    disclosures: result.disclosures,
    // Administrators keep full access, 42 CFR Part 2 records included: their accesses say so (health system
    // administration); a backend token's accesses carry the purpose it was issued for.
    purposeOfUse: access.policy.admin ? 'HSYSADMIN' : access.principal.purpose,
  };
}

function batchType(req: FhirRequest): string {
  const type = (req.body as { type?: unknown } | undefined)?.type;
  return type === 'transaction' ? 'transaction' : 'batch';
}

/** The instance the path names: `Patient/1` for `Patient/1/Observation` (a compartment), else `Type/id`. */
function instanceOf(params: RouteParams): string | undefined {
  const type = params.compartmentType ?? params.resourceType;
  return type && params.id ? `${type}/${params.id}` : undefined;
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

function patientsOf(access: AccessContext, params: RouteParams, req: FhirRequest, body: Resource | undefined): Set<string> {
  const patients = new Set<string>();
  if (access.patient) patients.add(access.patient);
  if (instanceOf(params)?.startsWith('Patient/')) patients.add(params.id!);
  for (const name of PATIENT_PARAMS) {
    for (const value of req.query[name] ?? []) {
      for (const ref of value.split(',')) {
        const id = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(ref.trim())?.[1];
        if (id && (name === 'patient' || ref.startsWith('Patient/'))) patients.add(id);
      }
    }
  }
  if (body && body.resourceType !== 'Bundle') for (const id of patientReferences(body)) patients.add(id);
  // What a write tried to store, too: a refused write for another patient must show up under that patient.
  const sent = req.body as Resource | undefined;
  if (sent?.resourceType && sent.resourceType !== 'Bundle' && sent.resourceType !== 'Parameters') for (const id of patientReferences(sent)) patients.add(id);
  return patients;
}

/** Patient references at the top level of a resource (subject, patient, beneficiary, …), and a Patient itself. */
function patientReferences(resource: Resource): string[] {
  if (resource.resourceType === 'Patient') return resource.id ? [resource.id] : [];
  const ids: string[] = [];
  for (const name of PATIENT_PARAMS) {
    const value = (resource as unknown as Record<string, unknown>)[name];
    const ref = (value as { reference?: unknown } | undefined)?.reference;
    const id = typeof ref === 'string' ? /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref)?.[1] : undefined;
    if (id) ids.push(id);
  }
  return ids;
}

function requestLine(req: FhirRequest): string {
  const query = Object.entries(req.query).flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
  const line = `${req.method} ${req.path}${query ? `?${query}` : ''}`;
  return line.length > MAX_QUERY ? `${line.slice(0, MAX_QUERY)}…` : line;
}
