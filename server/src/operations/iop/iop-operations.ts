/**
 * The IOP workflow operations (issue 6), registered by operations/all-operations.ts, and the IOP hook on the
 * REST write path (instrument responses are scored when written; enrolment, staff and family writes keep the
 * CareTeams current; messages are checked and screened for self-harm).
 */
import { registerWriteHook } from '../../fhir/write-hooks';
import type { OperationDeclaration } from '../registry';
import { addToSessionsOperation } from './add-to-sessions';
import { amendOperation } from './amend-note';
import { attendanceOperation } from './attendance-report';
import { careTeamOnEnrollmentHook, careTeamOnFamilyChangeHook, careTeamOnStaffChangeHook } from './care-team-hooks';
import { changeLevelOfCareOperation } from './change-level-of-care';
import { documentGroupSessionOperation } from './document-group-session';
import { documentSessionOperation } from './document-session';
import { enrollOperation } from './enroll';
import { communicationRequestRulesHook, communicationRulesHook } from './message-hooks';
import { recordAttendanceOperation } from './record-attendance';
import { outcomeReportOperation } from './outcome-report';
import { recordCertificationOperation } from './record-certification';
import { recordPlanReviewOperation } from './record-plan-review';
import { outcomesOperation } from './patient-outcomes';
import { scheduleSessionsOperation } from './schedule-sessions';
import { prescriptionCheckHook } from './prescription-check';
import { assignEducationOperation } from './assign-education';
import { educationLibraryOperation } from './education-library';
import { scoreOnWriteHook } from './score-on-write';
import { scoreOperation } from './score-response';
import { signOperation } from './sign-note';

export const IOP_OPERATIONS: OperationDeclaration[] = [
  enrollOperation,
  changeLevelOfCareOperation,
  recordCertificationOperation,
  recordPlanReviewOperation,
  scheduleSessionsOperation,
  addToSessionsOperation,
  recordAttendanceOperation,
  attendanceOperation,
  documentGroupSessionOperation,
  documentSessionOperation,
  signOperation,
  amendOperation,
  scoreOperation,
  outcomesOperation,
  outcomeReportOperation,
  assignEducationOperation,
  educationLibraryOperation,
];

registerWriteHook(scoreOnWriteHook);
registerWriteHook(careTeamOnEnrollmentHook);
registerWriteHook(careTeamOnStaffChangeHook);
registerWriteHook(careTeamOnFamilyChangeHook);
registerWriteHook(communicationRulesHook);
registerWriteHook(communicationRequestRulesHook);
registerWriteHook(prescriptionCheckHook);
