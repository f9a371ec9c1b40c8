/**
 * `$verify-audit-chain` (system level, GET or POST; administrators only): seals pending events, recomputes the
 * whole hash chain, and answers a Parameters resource: valid, verified count, and where it breaks.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { forbidden } from '../errors';
import { addRoute } from '../fhir/router';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from '../fhir/types';
import { verifyAuditChain } from './audit-chain';

async function verifyAuditChainOperation(_req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  if (ctx.access && !ctx.access.policy.admin) throw forbidden('Only administrators may verify the audit chain');
  const result = await verifyAuditChain(ctx.repo);
  const parameters: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'valid', valueBoolean: result.valid },
      { name: 'verified', valueInteger: result.verified },
      ...(result.brokenAt !== undefined ? [{ name: 'brokenAt', valueInteger: result.brokenAt }] : []),
      ...(result.problem ? [{ name: 'problem', valueString: result.problem }] : []),
    ],
  };
  return { status: 200, body: parameters };
}

addRoute('GET', '$verify-audit-chain', 'operation', verifyAuditChainOperation);
addRoute('POST', '$verify-audit-chain', 'operation', verifyAuditChainOperation);
