/**
 * `GET Patient/{id}/$disclosures`: the accounting of disclosures of the patient's 42 CFR Part 2 records outside the
 * program — when, to whom, for which purpose, what, and under which consent or exception — newest first. For the
 * patient themself (their portal), their representative (a linked RelatedPerson whom the patient's consent names
 * for power of attorney, PWATRNY) and administrators; any other family member is refused (403).
 */
import type { Consent, ParametersParameter, RelatedPerson } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import { namesRepresentative } from '../domain/part2-consent';
import { PURPOSE_OF_USE_SYSTEM } from '../domain/purpose-of-use';
import { FhirError, forbidden } from '../errors';
import type { FhirContext, FhirResponse } from '../fhir/types';
import { sql } from '../store/sql';
import { asServer } from './iop/hook-context';
import { iopOperationDefinition, nowOf } from './iop/operation-support';
import { out, parameters } from './iop/operation-output';
import { readResource, searchAll } from './iop/read-resources';
import type { OperationDeclaration, OperationTarget } from './registry';

const MAX_ROWS = 1000;

export const disclosuresOperation: OperationDeclaration = {
  definition: iopOperationDefinition('disclosures'),
  handler: (_input, ctx, target) => listDisclosures(ctx, target),
};

interface DisclosureRow {
  disclosed_at: Date;
  recipient: string;
  client_id: string | null;
  purpose: string;
  basis: string;
  consent_id: string | null;
  resources: string[];
  request: string;
}

async function listDisclosures(ctx: FhirContext, target: OperationTarget): Promise<FhirResponse> {
  const access = ctx.access ?? systemAccess();
  const patientId = target.id!;
  const self = access.principal.fhirUser === `Patient/${patientId}`;
  if (!access.policy.admin && !self && !(await representsPatient(ctx, access.principal.fhirUser, patientId))) {
    throw forbidden('Only the patient, their representative named in their consent (power of attorney), and administrators may see the accounting of disclosures');
  }
  const rows = await ctx.repo.query<DisclosureRow>(sql`SELECT disclosed_at, recipient, client_id, purpose, basis, consent_id, resources, request
    FROM part2_disclosure WHERE patient_id = ${patientId} ORDER BY disclosed_at DESC, id DESC LIMIT ${MAX_ROWS}`);
  return { status: 200, body: parameters(...rows.map(disclosurePart)) };
}

/**
 * A signed-in family member (RelatedPerson, active and linked to the patient) whom an active Part 2 consent of the
 * patient names for power of attorney. Read as the server: the question is what the patient's records say, not what
 * the family member may read.
 */
async function representsPatient(ctx: FhirContext, fhirUser: string | undefined, patientId: string): Promise<boolean> {
  const id = /^RelatedPerson\/([A-Za-z0-9\-.]{1,64})$/.exec(fhirUser ?? '')?.[1];
  if (!id) return false;
  const server = asServer(ctx.repo, ctx);
  const person = await readResource<RelatedPerson>(server, 'RelatedPerson', id).catch((error: unknown) => {
    if (error instanceof FhirError && (error.status === 404 || error.status === 410)) return undefined;
    throw error;
  });
  if (!person || person.active === false || person.patient?.reference !== `Patient/${patientId}`) return false;
  const consents = await searchAll<Consent>(server, 'Consent', { patient: `Patient/${patientId}`, status: 'active' });
  return namesRepresentative(consents, patientId, `RelatedPerson/${id}`, nowOf(ctx));
}

function disclosurePart(row: DisclosureRow): ParametersParameter {
  return out.parts('disclosure',
    { name: 'date', valueInstant: row.disclosed_at.toISOString() },
    out.string('recipient', row.recipient),
    out.string('client', row.client_id ?? undefined),
    { name: 'purpose', valueCoding: { system: PURPOSE_OF_USE_SYSTEM, code: row.purpose } },
    out.code('basis', row.basis),
    out.reference('consent', row.consent_id ? `Consent/${row.consent_id}` : undefined),
    ...row.resources.map((r) => out.reference('resource', r)),
    out.string('request', row.request));
}
