/**
 * POST /EpisodeOfCare/{id}/$change-level-of-care: a step-down, step-up or transfer (domain/levels-of-care.ts
 * planLevelOfCareTransition): the current enrollment is finished the day before the new one starts (discharge
 * reason step-down / step-up / transferred), the new one points back to it; the patient's bookings in the old
 * program from that day are cancelled, the patient is booked into the new program's sessions, and the compliance
 * Tasks of both enrollments are refreshed. One transaction.
 */
import type { Appointment, EpisodeOfCare } from '@medplum/fhirtypes';
import { planLevelOfCareTransition } from '../../domain/levels-of-care';
import { startOfLocalDay } from '../../domain/time-zone';
import { conflict, unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { admitToProgram } from './enroll';
import { CS, ID } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { loadProgramEnrollments } from './load-schedule';
import { buildEnrollment, enrollmentFacts, finishEnrollment, toEnrollmentEpisode } from './map-enrollment';
import { asServer } from './hook-context';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { optionalReference, requireCoding, requireDate } from './read-input';
import { parseLocalReference, readResource, searchAll } from './read-resources';
import { refreshComplianceTasks } from './refresh-compliance-tasks';
import { WriteSet, commitWrites } from './write-transaction';

const OPEN = new Set(['planned', 'waitlist', 'active', 'onhold']);

export const changeLevelOfCareOperation: OperationDeclaration = {
  definition: iopOperationDefinition('change-level-of-care'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const episode = await readResource<EpisodeOfCare>(txCtx, 'EpisodeOfCare', target.id!);
    const current = enrollmentFacts(episode);
    if (!current?.programId) throw unprocessable(`EpisodeOfCare/${episode.id} is not a program enrollment`);
    const level = requireCoding(input, 'levelOfCare', '');
    const programRef = optionalReference(input, 'program');
    const targetProgramId = programRef ? parseLocalReference(programRef, 'program', 'HealthcareService')[1] : current.programId;
    const [from, to] = [await loadProgram(txCtx, current.programId), await loadProgram(txCtx, targetProgramId)];
    const effectiveDate = requireDate(input, 'effectiveDate');
    const plan = planLevelOfCareTransition({
      current: toEnrollmentEpisode(current), target: { levelOfCare: { system: level.system ?? '', code: level.code ?? '' }, programId: targetProgramId }, effectiveDate,
    });
    if (!plan.ok) throw unprocessable(`${plan.message} (${plan.reason})`);
    if (targetProgramId !== current.programId) {
      const there = (await loadProgramEnrollments(txCtx, targetProgramId, current.patientId)).find((e) => OPEN.has(e.status));
      if (there) throw conflict(`Patient/${current.patientId} is already enrolled in HealthcareService/${targetProgramId} (EpisodeOfCare/${there.episodeId})`);
    }

    const writes = new WriteSet();
    writes.update(finishEnrollment(episode, plan.close.end, plan.close.dischargeReason));
    writes.create(buildEnrollment({
      patient: episode.patient, program: to, start: plan.open.start, admissionType: plan.open.admissionType,
      levelCoding: { system: plan.open.levelOfCare.system, code: plan.open.levelOfCare.code, display: plan.open.levelOfCare.display },
      previousEpisode: { reference: `EpisodeOfCare/${episode.id}` }, careManager: optionalReference(input, 'careManager') ?? episode.careManager,
    }));
    // The old program's bookings from the effective day on no longer apply.
    const released = await searchAll<Appointment>(txCtx, 'Appointment', {
      patient: `Patient/${current.patientId}`, program: from.reference, identifier: `${ID.patientBooking}|`,
      date: `ge${startOfLocalDay(plan.releaseBookingsFrom, from.timeZone).toISOString()}`, status: 'booked,pending,proposed',
    });
    for (const booking of released) {
      writes.update({ ...booking, status: 'cancelled', cancelationReason: { coding: [{ system: CS.absenceReason, code: 'other' }], text: `Level of care changed (${plan.direction}) from ${plan.releaseBookingsFrom}` } });
    }
    const committed = await commitWrites(txCtx, writes);
    const opened = committed.resources[1] as EpisodeOfCare;
    const closed = committed.resources[0] as EpisodeOfCare;
    const followUp = new WriteSet();
    await refreshComplianceTasks(txCtx, [enrollmentFacts(closed)!], followUp, { now, timeZone: from.timeZone });
    await commitWrites(txCtx, followUp);
    const admitted = await admitToProgram(txCtx, to, enrollmentFacts(opened)!);
    // Its write hook has since linked the new episode to its CareTeam (a newer version): answer with that one,
    // read as the server (the hook wrote it so), whatever the caller's read scopes.
    const enrollment = await readResource<EpisodeOfCare>(asServer(tx, ctx), 'EpisodeOfCare', opened.id!);
    return {
      status: 200,
      body: parameters(
        out.code('direction', plan.direction),
        out.reference('closed', `EpisodeOfCare/${episode.id}`),
        out.resource('enrollment', enrollment),
        out.integer('bookingsCancelled', released.length),
        out.integer('bookingsCreated', admitted.booked),
        out.integer('tasksCreated', admitted.tasksCreated),
        ...admitted.conflicts,
        outcomePart(admitted.warnings),
      ),
    };
  }),
};
