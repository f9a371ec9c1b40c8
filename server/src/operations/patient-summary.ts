/**
 * `GET|POST Patient/{id}/$summary`: the International Patient Summary (IPS, R4) of one patient as a `document`
 * Bundle (domain/patient-summary.ts builds it). Its data is read like `$everything`: from the patient compartment
 * through the caller's access filter in SQL, so scopes, the patient's launch context and the 42 CFR Part 2 consent
 * filter apply, and the access guard labels what it discloses (NORDSCLCD) as on every other read.
 */
import { randomUUID } from 'node:crypto';
import type { Organization, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import type { AccessPolicy } from '../auth/access-policy';
import { patientAccessLinks, SHARED_TYPES } from '../auth/patient-compartment';
import { buildPatientSummary } from '../domain/patient-summary';
import { notFound } from '../errors';
import type { FhirContext, FhirResponse } from '../fhir/types';
import { accessFilter } from '../store/access-filter';
import { sql } from '../store/sql';
import { iopOperationDefinition, nowOf } from './iop/operation-support';
import type { OperationDeclaration, OperationTarget } from './registry';

/** The patient's resource types a summary section can hold. */
const SUMMARY_TYPES = [
  'Condition', 'MedicationStatement', 'MedicationRequest', 'AllergyIntolerance', 'Observation', 'CarePlan', 'Goal', 'EpisodeOfCare', 'CareTeam',
];
const SCORE_CODES = ['http://loinc.org|44261-6', 'http://loinc.org|70274-6'];

export const patientSummaryOperation: OperationDeclaration = {
  definition: iopOperationDefinition('summary'),
  handler: (_input, ctx, target) => summarizePatient(ctx, target),
};

async function summarizePatient(ctx: FhirContext, target: OperationTarget): Promise<FhirResponse> {
  const policy = (ctx.access ?? systemAccess()).policy;
  const patientId = target.id!;
  const patients = await ctx.repo.query<{ content: Patient }>(sql`
    SELECT r.content FROM resource r WHERE r.resource_type = 'Patient' AND r.id = ${patientId} AND NOT r.deleted
      AND ${accessFilter(policy, 'r', 'r', 'Patient')}`);
  const patient = patients[0]?.content;
  if (!patient) throw notFound(`Patient/${patientId} not found`);
  const resources = await readCompartmentResources(ctx, patientId, policy);
  const supporting = await readSupportingResources(ctx, [patient, ...resources], policy);
  const author = authorOf(patient, resources);
  const bundle = buildPatientSummary({
    patient, resources, supporting, author, baseUrl: ctx.baseUrl, now: nowOf(ctx), documentId: randomUUID(), compositionId: randomUUID(),
  });
  return { status: 200, body: bundle };
}

/**
 * The patient's resources of the summary's types that the caller may read, driven from the reference index like
 * `$everything` (observations only the score totals the results section shows).
 */
async function readCompartmentResources(ctx: FhirContext, patientId: string, policy: AccessPolicy): Promise<Resource[]> {
  const rows = await ctx.repo.query<{ content: Resource }>(sql`
    SELECT r.content FROM resource r
    WHERE r.res_id IN (
        SELECT x.res_id FROM idx_reference x WHERE x.target_id = ${patientId} AND x.target_type = 'Patient'
          AND x.resource_type = ANY(${SUMMARY_TYPES}::text[])
          AND (x.resource_type || ' ' || x.param) = ANY(${patientAccessLinks()}::text[]))
      AND NOT r.deleted
      AND (r.resource_type <> 'Observation' OR EXISTS (SELECT 1 FROM idx_token t WHERE t.res_id = r.res_id AND t.param = 'code'
        AND (t.system || '|' || t.code) = ANY(${SCORE_CODES}::text[])))
      AND ${accessFilter(policy, 'r', 'r')}
    ORDER BY r.res_id`);
  return rows.map((r) => r.content);
}

/** The shared resources (staff, organisations, programs, medications) the patient and these resources refer to, if readable. */
async function readSupportingResources(ctx: FhirContext, resources: Resource[], policy: AccessPolicy): Promise<Resource[]> {
  const wanted = new Set<string>();
  for (const resource of resources) collectSharedReferences(resource, wanted);
  if (wanted.size === 0) return [];
  const pairs = [...wanted].map((ref) => ref.split('/'));
  const rows = await ctx.repo.query<{ content: Resource }>(sql`
    SELECT r.content FROM resource r
      JOIN unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS want(resource_type, id)
        ON r.resource_type = want.resource_type AND r.id = want.id
    WHERE NOT r.deleted AND ${accessFilter(policy, 'r', 'r')}
    ORDER BY r.res_id`);
  return rows.map((r) => r.content);
}

function collectSharedReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectSharedReferences(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const m = key === 'reference' && typeof v === 'string' ? /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(v) : null;
      if (m && SHARED_TYPES.includes(m[1])) into.add(`${m[1]}/${m[2]}`);
      else collectSharedReferences(v, into);
    }
  }
}

/**
 * The organisation the summary comes from: the one managing the patient's record, else their latest episode's.
 * The demo and every IOP enrolment set one; a record without any is summarised under the patient's own name, not
 * an invented organisation.
 */
function authorOf(patient: Patient, resources: Resource[]): Reference<Organization | Patient> {
  if (patient.managingOrganization?.reference) return { reference: patient.managingOrganization.reference };
  const episodes = resources.filter((r) => r.resourceType === 'EpisodeOfCare' && r.managingOrganization?.reference);
  const latest = episodes.sort((a, b) => `${periodStart(b)}`.localeCompare(`${periodStart(a)}`))[0];
  if (latest?.resourceType === 'EpisodeOfCare') return { reference: latest.managingOrganization!.reference };
  return { reference: `Patient/${patient.id}` };
}

function periodStart(r: Resource): string {
  return r.resourceType === 'EpisodeOfCare' ? r.period?.start ?? '' : '';
}
