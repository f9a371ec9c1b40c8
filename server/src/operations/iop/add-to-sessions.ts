/**
 * POST /HealthcareService/{id}/$add-to-sessions: books enrolled patients (one, or every enrollment) into the
 * program's future sessions they belong in but are not booked into yet: patients enrolled after the sessions
 * were scheduled. $enroll does the same for the patient it enrolls.
 */
import type { OperationDeclaration } from '../registry';
import { addRosterBookings, conflictPart } from './book-roster';
import { loadProgram } from './load-program';
import { bookingKeysOf, loadProgramEnrollments, loadProgramSessions, loadSessionBookings } from './load-schedule';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { optionalDate, optionalReference } from './read-input';
import { parseLocalReference } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

export const addToSessionsOperation: OperationDeclaration = {
  definition: iopOperationDefinition('add-to-sessions'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const program = await loadProgram(txCtx, target.id!);
    const patient = optionalReference(input, 'patient');
    const patientId = patient ? parseLocalReference(patient, 'patient', 'Patient')[1] : undefined;
    const from = optionalDate(input, 'from');
    const start = from && Date.parse(`${from}T00:00:00Z`) > now.getTime() ? new Date(`${from}T00:00:00Z`) : now;
    const sessions = await loadProgramSessions(txCtx, program, start);
    const existing = await loadSessionBookings(txCtx, sessions.map((s) => s.reference));
    const enrollments = await loadProgramEnrollments(txCtx, program.id, patientId);
    const writes = new WriteSet();
    const roster = await addRosterBookings(txCtx, { program, sessions, enrollments, existingBookingKeys: bookingKeysOf(existing), now }, writes);
    await commitWrites(txCtx, writes);
    return {
      status: 200,
      body: parameters(out.integer('bookingsCreated', roster.booked), ...roster.conflicts.map(conflictPart), outcomePart(roster.warnings)),
    };
  }),
};
