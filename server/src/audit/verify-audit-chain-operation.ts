/**
 * `$verify-audit-chain` (system level, GET or POST; administrators only — auth/interaction-permissions.ts): seals
 * pending events, recomputes the whole hash chain, and answers a Parameters resource: valid, verified count, and
 * where it breaks. Registered in operations/all-operations.ts, so the CapabilityStatement lists it.
 */
import type { OperationDefinition, Parameters } from '@medplum/fhirtypes';
import { forbidden } from '../errors';
import type { OperationDeclaration } from '../operations/registry';
import { verifyAuditChain } from './audit-chain';

const definition: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'verify-audit-chain',
  url: 'http://iop-fhir.org/fhir/OperationDefinition/verify-audit-chain',
  name: 'VerifyAuditChain',
  title: 'Verify the AuditEvent hash chain',
  status: 'active',
  kind: 'operation',
  description: 'Recomputes the hash chain over every AuditEvent and reports whether it is intact, and the first position where it breaks. Administrators only.',
  affectsState: false,
  code: 'verify-audit-chain',
  system: true,
  type: false,
  instance: false,
  parameter: [
    { name: 'valid', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'Whether the whole chain verifies' },
    { name: 'verified', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'How many events were checked' },
    { name: 'brokenAt', use: 'out', min: 0, max: '1', type: 'integer', documentation: 'Chain position of the first event that does not verify' },
    { name: 'problem', use: 'out', min: 0, max: '1', type: 'string', documentation: 'What is wrong there' },
  ],
};

export const verifyAuditChainOperation: OperationDeclaration = {
  definition,
  handler: async (_input, ctx) => {
    // The guard already refused non-administrators; this keeps the operation closed if it is ever reached otherwise.
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
  },
};
