/**
 * The one table of operations the server offers (see registry.ts for how to add one). Importing this module
 * registers them; fhir/routes.ts then adds their routes.
 */
import { breakGlassOperation } from './break-glass';
import { bulkExportOperations } from './bulk-export';
import { bulkImportOperations } from './bulk-import';
import { disclosuresOperation } from './disclosures';
import { everythingOperation } from './everything';
import { verifyAuditChainOperation } from '../audit/verify-audit-chain-operation';
import { expandOperation } from './expand';
import { IOP_OPERATIONS } from './iop/iop-operations';
import { lookupOperation } from './lookup';
import { patientSummaryOperation } from './patient-summary';
import { reindexOperation } from './reindex';
import { registerOperation, type OperationDeclaration } from './registry';
import { subscriptionEventsOperation, subscriptionStatusOperation } from './subscription-status';
import { subsumesOperation } from './subsumes';
import { translateOperation } from './translate';
import { validateOperation } from './validate';
import { codeSystemValidateCodeOperation, valueSetValidateCodeOperation } from './validate-code';

const OPERATIONS: OperationDeclaration[] = [
  validateOperation,
  expandOperation,
  lookupOperation,
  valueSetValidateCodeOperation,
  codeSystemValidateCodeOperation,
  subsumesOperation,
  translateOperation,
  ...IOP_OPERATIONS,
  ...bulkExportOperations,
  ...bulkImportOperations,
  everythingOperation,
  patientSummaryOperation,
  // Topic-based subscriptions (Subscriptions R5 Backport IG; docs/exchange.md).
  subscriptionStatusOperation,
  subscriptionEventsOperation,
  // 42 CFR Part 2: emergency access and the accounting of disclosures (docs/part2.md).
  breakGlassOperation,
  disclosuresOperation,
  // Server administration (administrators only: auth/interaction-permissions.ts ADMIN_OPERATIONS).
  reindexOperation,
  verifyAuditChainOperation,
];

for (const operation of OPERATIONS) registerOperation(operation);

export { operationRoutes } from './registry';
