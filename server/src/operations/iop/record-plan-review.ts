/**
 * POST /EpisodeOfCare/{id}/$record-plan-review: a treatment-plan review (Medicare IOP: no less than every other
 * month; PHP 30 days) as a ClinicalImpression of the enrollment; the reviewed CarePlan's next-review-date moves
 * to the next due date, the plan-review Task that was due is completed and the next one created in time
 * (refresh-compliance-tasks.ts). One transaction.
 */
import type { CarePlan, ClinicalImpression, EpisodeOfCare } from '@medplum/fhirtypes';
import { isDateWithin } from '../../domain/calendar-date';
import { MEDICARE_PLAN_REVIEW_RULES, nextPlanReviewDue } from '../../domain/certification-schedule';
import { findLevelOfCare } from '../../domain/levels-of-care';
import { unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { EXT, ID, keyIdentifier } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { keyOf } from './map-appointments';
import { enrollmentFacts } from './map-enrollment';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { optionalReference, requireDate } from './read-input';
import { readReference, readResource, searchAll } from './read-resources';
import { refreshComplianceTasks } from './refresh-compliance-tasks';
import { signerOf } from './signer';
import { WriteSet, commitWrites } from './write-transaction';

export const recordPlanReviewOperation: OperationDeclaration = {
  definition: iopOperationDefinition('record-plan-review'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const episode = enrollmentFacts(await readResource<EpisodeOfCare>(txCtx, 'EpisodeOfCare', target.id!));
    if (!episode?.programId) throw unprocessable(`EpisodeOfCare/${target.id} is not a program enrollment`);
    const date = requireDate(input, 'date');
    if (!isDateWithin(date, episode.start, episode.end)) throw unprocessable(`${date} is outside the enrollment (${episode.start} – ${episode.end ?? 'open'})`);
    const reviewer = signerOf(ctx, input, 'reviewer');
    const carePlanRef = optionalReference(input, 'carePlan');
    const carePlan = carePlanRef ? await readReference<CarePlan>(txCtx, carePlanRef, 'carePlan', 'CarePlan') : undefined;
    const program = await loadProgram(txCtx, episode.programId);
    const benefit = findLevelOfCare(episode.levelOfCare)?.medicareBenefit;
    const reviews = (await searchAll<ClinicalImpression>(txCtx, 'ClinicalImpression', { patient: `Patient/${episode.patientId}`, identifier: `${ID.planReview}|` }))
      .map((r) => keyOf(r, ID.planReview)!.split('|')).filter((k) => k[1] === episode.episodeId).map((k) => k[2]);
    const next = benefit
      ? nextPlanReviewDue({ episodeId: episode.episodeId, planStartDate: episode.start, reviewDates: [...reviews, date], endDate: episode.end }, MEDICARE_PLAN_REVIEW_RULES[benefit])
      : undefined;

    const writes = new WriteSet();
    const review = writes.create({
      resourceType: 'ClinicalImpression',
      status: 'completed',
      code: { text: 'Treatment-plan review' },
      description: 'Treatment-plan review',
      subject: { reference: `Patient/${episode.patientId}` },
      effectiveDateTime: date,
      date: now.toISOString(),
      assessor: reviewer,
      supportingInfo: [{ reference: `EpisodeOfCare/${episode.episodeId}` }, ...(carePlan ? [{ reference: `CarePlan/${carePlan.id}` }] : [])],
      ...(input.string('summary') ? { summary: input.string('summary') } : {}),
    } as ClinicalImpression, keyIdentifier(ID.planReview, `plan-review|${episode.episodeId}|${date}`));
    if (carePlan && next) {
      writes.update({ ...carePlan, extension: [...(carePlan.extension ?? []).filter((e) => e.url !== EXT.nextReviewDate), { url: EXT.nextReviewDate, valueDate: next.dueDate }] });
    }
    const committed = await commitWrites(txCtx, writes);
    const followUp = new WriteSet();
    const tasks = await refreshComplianceTasks(txCtx, [episode], followUp, { now, timeZone: program.timeZone, completedKinds: ['plan-review'] });
    await commitWrites(txCtx, followUp);
    return {
      status: 200,
      body: parameters(
        out.reference('review', committed.locations.get(review)),
        out.date('nextDue', next?.dueDate),
        out.integer('tasksCompleted', tasks.closed),
        out.integer('tasksCreated', tasks.created),
      ),
    };
  }),
};
