/**
 * POST /HealthcareService/{id}/$enroll: admits a patient to the program at a level of care (an EpisodeOfCare),
 * creates the certification and plan-review Tasks that are due, and books the patient into the program's future
 * sessions. One transaction.
 */
import type { Coding, EpisodeOfCare, Patient } from '@medplum/fhirtypes';
import { compareDates } from '../../domain/calendar-date';
import { findLevelOfCare } from '../../domain/levels-of-care';
import { conflict, unprocessable } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationDeclaration } from '../registry';
import { addRosterBookings, conflictPart } from './book-roster';
import { loadProgram, requireLevel, type ProgramContext } from './load-program';
import { bookingKeysOf, loadProgramEnrollments, loadProgramSessions, loadSessionBookings } from './load-schedule';
import { buildEnrollment, enrollmentFacts, type EnrollmentFacts } from './map-enrollment';
import { asServer } from './hook-context';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { optionalCoding, optionalReference, requireDate, requireReference } from './read-input';
import { readReference, readResource, referenceTo } from './read-resources';
import { refreshComplianceTasks } from './refresh-compliance-tasks';
import { WriteSet, commitWrites } from './write-transaction';

const ACTIVE = new Set(['planned', 'waitlist', 'active', 'onhold']);

export const enrollOperation: OperationDeclaration = {
  definition: iopOperationDefinition('enroll'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const program = await loadProgram(txCtx, target.id!);
    if (program.service.active === false) throw unprocessable(`HealthcareService/${program.id} is not active`);
    const patient = await readReference<Patient>(txCtx, requireReference(input, 'patient'), 'patient', 'Patient');
    const start = requireDate(input, 'start');
    const levelCoding = chooseLevel(program, optionalCoding(input, 'levelOfCare', ''));
    const current = (await loadProgramEnrollments(txCtx, program.id, patient.id)).find((e) => ACTIVE.has(e.status) && (e.end === undefined || compareDates(e.end, start) >= 0));
    if (current) throw conflict(`Patient/${patient.id} is already enrolled in HealthcareService/${program.id} (EpisodeOfCare/${current.episodeId}, ${current.status} since ${current.start})`);

    const episodeWrite = new WriteSet();
    episodeWrite.create(buildEnrollment({
      patient: referenceTo(patient), program, levelCoding, start, admissionType: input.string('admissionType') ?? 'new-admission',
      careManager: optionalReference(input, 'careManager'),
    }));
    const episode = (await commitWrites(txCtx, episodeWrite)).resources[0] as EpisodeOfCare;
    const result = await admitToProgram(txCtx, program, enrollmentFacts(episode)!);
    // Its write hook has since linked the episode to its CareTeam (a newer version): answer with that one,
    // read as the server (the hook wrote it so), whatever the caller's read scopes.
    const enrollment = await readResource<EpisodeOfCare>(asServer(tx, ctx), 'EpisodeOfCare', episode.id!);
    return {
      status: 201,
      body: parameters(
        out.resource('enrollment', enrollment),
        out.integer('bookingsCreated', result.booked),
        out.integer('tasksCreated', result.tasksCreated),
        ...result.conflicts,
        outcomePart(result.warnings),
      ),
    };
  }),
};

/** After an enrollment is written: its compliance Tasks and its bookings into the program's future sessions. */
export async function admitToProgram(ctx: FhirContext, program: ProgramContext, enrollment: EnrollmentFacts) {
  const now = nowOf(ctx);
  const writes = new WriteSet();
  const tasks = await refreshComplianceTasks(ctx, [enrollment], writes, { now, timeZone: program.timeZone });
  const sessions = await loadProgramSessions(ctx, program, now);
  const existing = await loadSessionBookings(ctx, sessions.map((s) => s.reference));
  const roster = await addRosterBookings(ctx, { program, sessions, enrollments: [enrollment], existingBookingKeys: bookingKeysOf(existing), now }, writes);
  await commitWrites(ctx, writes);
  return { booked: roster.booked, tasksCreated: tasks.created, conflicts: roster.conflicts.map(conflictPart), warnings: roster.warnings };
}

function chooseLevel(program: ProgramContext, requested: Coding | undefined): Coding {
  const programLevel = requireLevel(program);
  if (!requested) return { system: programLevel.system, code: programLevel.code, display: programLevel.display };
  const level = requested.system && requested.code ? findLevelOfCare({ system: requested.system, code: requested.code }) : undefined;
  if (!level) throw unprocessable(`Unknown level of care ${requested.system ?? ''}|${requested.code ?? ''}: use a code of the mh-level-of-care or asam-level-of-care CodeSystems`);
  return { system: level.system, code: level.code, display: level.display };
}
