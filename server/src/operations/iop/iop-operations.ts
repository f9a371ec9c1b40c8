/** The IOP workflow operations (issue 6), registered by operations/all-operations.ts. */
import type { OperationDeclaration } from '../registry';
import { addToSessionsOperation } from './add-to-sessions';
import { attendanceOperation } from './attendance-report';
import { enrollOperation } from './enroll';
import { recordAttendanceOperation } from './record-attendance';
import { scheduleSessionsOperation } from './schedule-sessions';

export const IOP_OPERATIONS: OperationDeclaration[] = [
  enrollOperation,
  scheduleSessionsOperation,
  addToSessionsOperation,
  recordAttendanceOperation,
  attendanceOperation,
];
