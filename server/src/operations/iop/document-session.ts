/**
 * POST /Encounter/{id}/$document-session on one patient's Encounter (an individual, family or psychiatric
 * session, medication management, a treatment-plan review): the answers to a note template (a
 * QuestionnaireResponse for one of profiles/questionnaires' note templates) → the stored response and a draft
 * note (Composition) with one section per template group. Drafts until $sign.
 */
import type { Coding, Composition, Encounter, QuestionnaireResponse } from '@medplum/fhirtypes';
import { badRequest, conflict, FhirError, issue, outcome, unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { CS, EXT, findExtension, ID, keyIdentifier, keyValue, PROFILE } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { enrollmentFacts } from './map-enrollment';
import { buildDraftNote } from './map-note';
import { findNoteTemplate, missingRequiredAnswers, noteKindOfTemplate, templateSections, unknownLinkIds } from './map-template-note';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { optionalReference } from './read-input';
import { idOf, readResource, searchAll, type AnyReference } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

export const documentSessionOperation: OperationDeclaration = {
  definition: iopOperationDefinition('document-session'),
  bodyParameter: 'response',
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const encounter = await readResource<Encounter>(txCtx, 'Encounter', target.id!);
    const patientId = idOf(encounter.subject, 'Patient');
    if (!patientId) throw unprocessable(`Encounter/${encounter.id} is not one patient's encounter: group sessions are documented with $document-group-session`);
    const response = input.resource<QuestionnaireResponse>('response');
    if (response?.resourceType !== 'QuestionnaireResponse') throw badRequest('response (a QuestionnaireResponse answering a note template) is required');
    const template = findNoteTemplate(response.questionnaire);
    if (!template) throw unprocessable(`${response.questionnaire ?? '(no questionnaire)'} is not a note template of this server (profiles/questionnaires)`);
    const problems = [
      ...missingRequiredAnswers(template, response).map((id) => `Required item ${id} is not answered`),
      ...unknownLinkIds(template, response).map((id) => `Item ${id} is not in ${template.url}`),
    ];
    if (problems.length > 0) throw new FhirError(400, outcome(...problems.map((p) => issue('error', 'required', p))));
    const kind = noteKind(noteKindOfTemplate(template)!, encounter, response);
    const key = `${encounter.id}|${kind.code}`;
    const existing = await searchAll<Composition>(txCtx, 'Composition', { identifier: `${ID.sessionNote}|${keyValue(key)}` });
    if (existing.length > 0) throw conflict(`Encounter/${encounter.id} already has a ${kind.code} (Composition/${existing[0].id}): edit the draft or amend the signed note`);
    const author = optionalReference(input, 'author') ?? (response.author as AnyReference | undefined) ?? (encounter.participant?.[0]?.individual as AnyReference | undefined);
    if (!author) throw badRequest('author (the Practitioner writing the note) is required');
    const episodeId = idOf(encounter.episodeOfCare?.[0], 'EpisodeOfCare');
    const programId = idOf(findExtension(encounter, EXT.program)?.valueReference, 'HealthcareService')
      ?? (episodeId ? enrollmentFacts(await readResource(txCtx, 'EpisodeOfCare', episodeId))?.programId : undefined);
    const part2 = programId ? (await loadProgram(txCtx, programId)).part2 : false;

    const writes = new WriteSet();
    const stored: QuestionnaireResponse = {
      ...response, id: undefined, meta: { profile: [PROFILE.assessmentResponse] }, questionnaire: template.url!,
      status: 'completed', subject: { reference: `Patient/${patientId}` }, encounter: { reference: `Encounter/${encounter.id}` },
      authored: response.authored ?? now.toISOString(), author,
    };
    const responseUrn = writes.create(stored, keyIdentifier(ID.sessionNote, `${key}|response`));
    const sections = templateSections(template, response);
    sections[0] = { ...sections[0], entry: [{ reference: responseUrn }] };
    const noteUrn = writes.create(buildDraftNote({
      kind, title: `${kind.display ?? template.title}, ${(encounter.period?.start ?? now.toISOString()).slice(0, 10)}`, patientId,
      encounter: { reference: `Encounter/${encounter.id}` }, author, date: now.toISOString(), part2, sections,
      ...(encounter.period?.start && encounter.period.end ? { event: { start: encounter.period.start, end: encounter.period.end } } : {}),
    }), keyIdentifier(ID.sessionNote, key));
    const committed = await commitWrites(txCtx, writes);
    return {
      status: 200,
      body: parameters(out.reference('note', committed.locations.get(noteUrn)), out.reference('response', committed.locations.get(responseUrn))),
    };
  }),
};

/** The template's kind; an individual-therapy template used for a family session documents a family session. */
function noteKind(templateKind: Coding, encounter: Encounter, response: QuestionnaireResponse): Coding {
  const sessionTypes = [
    ...(encounter.serviceType?.coding ?? []).filter((c) => c.system === CS.sessionType).map((c) => c.code),
    ...(JSON.stringify(response.item ?? []).includes('"code":"family-psychotherapy"') ? ['family-psychotherapy'] : []),
  ];
  if (templateKind.code === 'individual-therapy-note' && sessionTypes.includes('family-psychotherapy')) {
    return { system: CS.noteKind, code: 'family-session-note', display: 'Family session note' };
  }
  return { system: CS.noteKind, code: templateKind.code, display: templateKind.display };
}
