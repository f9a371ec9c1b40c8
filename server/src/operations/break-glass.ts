/**
 * `POST Patient/{id}/$break-glass` (42 CFR 2.51, a bona fide medical emergency): a practitioner user opens the
 * patient's Part 2 records for emergency treatment, for a limited time, with a reason. In one transaction: the
 * emergency access (part2_break_glass, which the access filter reads, so every process honours it at once), its own
 * AuditEvent, a Flag on the patient and a Task for the patient's Part 2 program to review the disclosure. The Flag
 * and Task say that Part 2 records exist, so they are Part 2 information themselves.
 */
import type { Flag, Task } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import { EMERGENCY_PURPOSE } from '../domain/purpose-of-use';
import { PART2_POLICY, PART2_PROGRAM_FLAG, RESTRICTED, SUD_SENSITIVITY } from '../domain/part2-labelling';
import { badRequest, forbidden, notFound } from '../errors';
import { dispatch } from '../fhir/router';
import type { FhirContext, FhirResponse } from '../fhir/types';
import { sql } from '../store/sql';
import { iopOperationDefinition } from './iop/operation-support';
import { out, parameters } from './iop/operation-output';
import type { OperationInput } from './operation-input';
import type { OperationDeclaration, OperationTarget } from './registry';

const DEFAULT_MINUTES = 60;
const MAX_MINUTES = 240;
const EVENT_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/part2-event';

export const breakGlassOperation: OperationDeclaration = {
  definition: iopOperationDefinition('break-glass'),
  handler: breakGlass,
};

async function breakGlass(input: OperationInput, ctx: FhirContext, target: OperationTarget): Promise<FhirResponse> {
  const access = ctx.access ?? systemAccess();
  const fhirUser = access.principal.fhirUser;
  if (!access.principal.userId || !fhirUser?.startsWith('Practitioner/')) throw forbidden('Only a practitioner signed in as themselves may break the glass');
  const reason = input.string('reason')?.trim();
  if (!reason) throw badRequest('reason is required: say why the emergency access is needed', ['reason']);
  if (reason.length > 2000) throw badRequest('reason is limited to 2000 characters', ['reason']);
  const minutes = input.integer('minutes') ?? DEFAULT_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) throw badRequest(`minutes must be between 1 and ${MAX_MINUTES}`, ['minutes']);
  const patientId = target.id!;
  return ctx.repo.transaction(async (tx) => {
    const [patient] = await tx.query<{ program: string | null }>(sql`SELECT (
        SELECT pr.target_id FROM idx_reference ep JOIN idx_reference pr ON pr.res_id = ep.res_id
          JOIN resource hs ON hs.resource_type = 'HealthcareService' AND hs.id = pr.target_id
         WHERE ep.resource_type = 'EpisodeOfCare' AND ep.param = 'patient' AND ep.target_type = 'Patient' AND ep.target_id = ${patientId}
           AND pr.param = 'program' AND pr.target_type = 'HealthcareService' AND hs.content->'extension' @> ${PROGRAM_FLAG}::jsonb
         ORDER BY ep.res_id DESC LIMIT 1) AS program
      FROM resource r WHERE r.resource_type = 'Patient' AND r.id = ${patientId} AND NOT r.deleted`);
    if (!patient) throw notFound(`Patient/${patientId} not found`);
    const [row] = await tx.query<{ started_at: Date; expires_at: Date }>(sql`INSERT INTO part2_break_glass (fhir_user, username, patient_id, reason, expires_at)
      VALUES (${fhirUser}, ${access.principal.username ?? null}, ${patientId}, ${reason}, now() + make_interval(mins => ${minutes}))
      RETURNING started_at, expires_at`);
    const asSystem: FhirContext = { ...ctx, repo: tx, access: systemAccess(access.audit) };
    const period = { start: row.started_at.toISOString(), end: row.expires_at.toISOString() };
    const flag = await create<Flag>(asSystem, {
      resourceType: 'Flag', status: 'active', meta: { security: [PART2_POLICY, SUD_SENSITIVITY, RESTRICTED] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'admin', display: 'Administrative' }] }],
      code: { coding: [{ system: EVENT_SYSTEM, code: 'emergency-access', display: 'Emergency access to 42 CFR Part 2 records' }], text: `Emergency access by ${fhirUser}: ${reason}` },
      subject: { reference: `Patient/${patientId}` }, period, author: { reference: fhirUser },
    });
    const task = await create<Task>(asSystem, {
      resourceType: 'Task', status: 'requested', intent: 'order', priority: 'urgent', meta: { security: [PART2_POLICY, SUD_SENSITIVITY, RESTRICTED] },
      code: { coding: [{ system: EVENT_SYSTEM, code: 'review-emergency-access', display: 'Review an emergency access to 42 CFR Part 2 records' }] },
      description: `Review the emergency access (42 CFR 2.51) by ${fhirUser} from ${period.start} to ${period.end}: ${reason}`,
      for: { reference: `Patient/${patientId}` }, focus: { reference: `Flag/${flag}` }, authoredOn: period.start, requester: { reference: fhirUser },
      ...(patient.program ? { owner: { reference: `HealthcareService/${patient.program}` } } : {}),
    });
    await access.audit?.record({
      kind: 'emergency-access', subtype: 'break-glass', action: 'E', outcome: '0', outcomeDescription: reason,
      agent: { fhirUser, userId: access.principal.userId, username: access.principal.username, clientId: access.principal.clientId },
      sourceIp: access.sourceIp, patients: [patientId], entities: [`Patient/${patientId}`, `Flag/${flag}`, `Task/${task}`],
      query: `POST Patient/${patientId}/$break-glass`, requestId: ctx.requestId, purposeOfUse: EMERGENCY_PURPOSE,
    }, tx);
    return { status: 200, body: parameters(
      { name: 'expires', valueInstant: period.end }, out.reference('flag', `Flag/${flag}`), out.reference('task', `Task/${task}`),
    ) };
  });
}

const PROGRAM_FLAG = JSON.stringify([{ url: PART2_PROGRAM_FLAG, valueBoolean: true }]);

async function create<T extends Flag | Task>(ctx: FhirContext, resource: T): Promise<string> {
  const response = await dispatch({ method: 'POST', path: resource.resourceType, query: {}, body: resource, headers: {} }, ctx);
  return response.body!.id!;
}
