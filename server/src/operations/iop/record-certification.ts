/**
 * POST /EpisodeOfCare/{id}/$record-certification: a physician's Medicare certification or recertification of need
 * for the level of care (IOP ≥ 9 h/week, PHP ≥ 20 h/week) as a ServiceRequest for the certification period,
 * signed by a Provenance, replacing the previous one; the certification Task that was due is completed and the
 * next one created when it falls within the lead time (refresh-compliance-tasks.ts). One transaction.
 */
import type { EpisodeOfCare, Provenance, ServiceRequest } from '@medplum/fhirtypes';
import { isDateWithin } from '../../domain/calendar-date';
import { MEDICARE_CERTIFICATION_RULES, nextCertificationDue } from '../../domain/certification-schedule';
import { findLevelOfCare } from '../../domain/levels-of-care';
import { unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { ID, keyIdentifier } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { keyOf } from './map-appointments';
import { enrollmentFacts } from './map-enrollment';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { requireDate } from './read-input';
import { readResource, searchAll } from './read-resources';
import { refreshComplianceTasks } from './refresh-compliance-tasks';
import { signerOf } from './signer';
import { WriteSet, commitWrites } from './write-transaction';

export const recordCertificationOperation: OperationDeclaration = {
  definition: iopOperationDefinition('record-certification'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const episode = enrollmentFacts(await readResource<EpisodeOfCare>(txCtx, 'EpisodeOfCare', target.id!));
    if (!episode?.programId) throw unprocessable(`EpisodeOfCare/${target.id} is not a program enrollment`);
    const level = findLevelOfCare(episode.levelOfCare);
    if (!level?.medicareBenefit) throw unprocessable(`The level of care ${episode.levelOfCare.code} needs no Medicare certification`);
    const date = requireDate(input, 'date');
    if (!isDateWithin(date, episode.start, episode.end)) throw unprocessable(`${date} is outside the enrollment (${episode.start} – ${episode.end ?? 'open'})`);
    const certifier = signerOf(ctx, input, 'certifier');
    const program = await loadProgram(txCtx, episode.programId);
    const previous = (await searchAll<ServiceRequest>(txCtx, 'ServiceRequest', { patient: `Patient/${episode.patientId}`, identifier: `${ID.certification}|` }))
      .map((sr) => ({ sr, key: keyOf(sr, ID.certification)!.split('|') }))
      .filter(({ key }) => key[1] === episode.episodeId);
    const dates = [...previous.map(({ key }) => key[2]), date];
    const next = nextCertificationDue({ episodeId: episode.episodeId, admissionDate: episode.start, signedCertificationDates: dates }, MEDICARE_CERTIFICATION_RULES[level.medicareBenefit]);
    const latest = previous.filter(({ key }) => key[2] < date).sort((a, b) => (a.key[2] < b.key[2] ? 1 : -1))[0];
    const kind = previous.some(({ key }) => key[2] < date) ? 'Recertification' : 'Certification';

    const writes = new WriteSet();
    const request = writes.create({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      code: { text: `${kind} of need for ${level.display}${level.minimumWeeklyHours ? ` (at least ${level.minimumWeeklyHours} hours a week)` : ''}` },
      subject: { reference: `Patient/${episode.patientId}` },
      occurrencePeriod: { start: date, ...(next ? { end: next.dueDate } : episode.end ? { end: episode.end } : {}) },
      authoredOn: date,
      requester: certifier,
      supportingInfo: [{ reference: `EpisodeOfCare/${episode.episodeId}` }],
      ...(latest ? { replaces: [{ reference: `ServiceRequest/${latest.sr.id}` }] } : {}),
    }, keyIdentifier(ID.certification, `certification|${episode.episodeId}|${date}`));
    const provenance: Provenance = {
      resourceType: 'Provenance', target: [{ reference: request }], recorded: now.toISOString(),
      agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who: certifier }],
      signature: [{ type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" }], when: now.toISOString(), who: certifier }],
    };
    writes.create(provenance);
    const committed = await commitWrites(txCtx, writes);
    const followUp = new WriteSet();
    const tasks = await refreshComplianceTasks(txCtx, [episode], followUp, { now, timeZone: program.timeZone, completedKinds: ['certification', 'recertification'] });
    await commitWrites(txCtx, followUp);
    return {
      status: 200,
      body: parameters(
        out.reference('certification', committed.locations.get(request)),
        out.date('nextDue', next?.dueDate),
        out.integer('tasksCompleted', tasks.closed),
        out.integer('tasksCreated', tasks.created),
      ),
    };
  }),
};
