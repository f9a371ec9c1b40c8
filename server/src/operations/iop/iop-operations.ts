/** The IOP workflow operations (issue 6), registered by operations/all-operations.ts. */
import type { OperationDeclaration } from '../registry';
import { enrollOperation } from './enroll';
import { scheduleSessionsOperation } from './schedule-sessions';

export const IOP_OPERATIONS: OperationDeclaration[] = [
  enrollOperation,
  scheduleSessionsOperation,
];
