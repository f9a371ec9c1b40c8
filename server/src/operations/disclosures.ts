/**
 * `GET Patient/{id}/$disclosures`: the accounting of disclosures of the patient's 42 CFR Part 2 records outside the
 * program — when, to whom, for which purpose, what, and under which consent or exception — newest first. For the
 * patient themself (their portal) and administrators.
 */
import type { ParametersParameter } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import { PURPOSE_OF_USE_SYSTEM } from '../domain/purpose-of-use';
import { forbidden } from '../errors';
import type { FhirContext, FhirResponse } from '../fhir/types';
import { sql } from '../store/sql';
import { iopOperationDefinition } from './iop/operation-support';
import { out, parameters } from './iop/operation-output';
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
  if (!access.policy.admin && access.principal.fhirUser !== `Patient/${patientId}`) {
    throw forbidden('Only the patient and administrators may see the accounting of disclosures');
  }
  const rows = await ctx.repo.query<DisclosureRow>(sql`SELECT disclosed_at, recipient, client_id, purpose, basis, consent_id, resources, request
    FROM part2_disclosure WHERE patient_id = ${patientId} ORDER BY disclosed_at DESC, id DESC LIMIT ${MAX_ROWS}`);
  return { status: 200, body: parameters(...rows.map(disclosurePart)) };
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
