/**
 * Measurement-based care: POST /QuestionnaireResponse/$score with a completed PHQ-9, GAD-7, PCL-5 or AUDIT-C
 * response (stored and scored in one transaction: how clients submit assessments), or POST
 * /QuestionnaireResponse/{id}/$score for one already stored. Scoring, the missing-item policy and the PHQ-9 item 9
 * rule are domain/ (score-instrument.ts, suicide-risk.ts): a score Observation derived from the response; item 9
 * ≥ 1 raises a high-priority risk Flag and a same-day Task whatever the total. Re-scoring finds what the first
 * run wrote (keys on the response id).
 */
import type { EpisodeOfCare, Observation, Patient, Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { InstrumentDefinition } from '../../domain/instrument-definitions';
import { findInstrumentByLoinc } from '../../domain/instrument-definitions';
import { linkIdsFromQuestionnaire, readInstrumentAnswers } from '../../domain/instrument-answers';
import type { InstrumentScore, Phq9Score } from '../../domain/score-instrument';
import { scoreAuditC, scoreInstrument, scorePhq9 } from '../../domain/score-instrument';
import { assessPhq9Item9Risk } from '../../domain/suicide-risk';
import { loadConformance } from '../../conformance/load-conformance';
import { badRequest, FhirError, issue, outcome, unprocessable } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationDeclaration } from '../registry';
import { CS, ID, keyIdentifier } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { enrollmentFacts, type EnrollmentFacts } from './map-enrollment';
import { buildRiskFlag, buildRiskTask, buildScoreObservation, MISSING_ITEM_POLICY } from './map-score';
import { DEFAULT_PROGRAM_TIME_ZONE, iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { idOf, readResource, searchAll } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

export const scoreOperation: OperationDeclaration = {
  definition: iopOperationDefinition('score'),
  bodyParameter: 'response',
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    let response = target.id ? await readResource<QuestionnaireResponse>(txCtx, 'QuestionnaireResponse', target.id) : input.resource<QuestionnaireResponse>('response');
    if (response?.resourceType !== 'QuestionnaireResponse') throw badRequest('POST the QuestionnaireResponse to score (or call $score on a stored one)');
    const { definition, questionnaire } = instrumentOf(response);
    if (response.status !== 'completed' && response.status !== 'amended') throw unprocessable(`Only a completed response is scored; this one is ${response.status}`);
    const patientId = idOf(response.subject, 'Patient');
    if (!patientId) throw unprocessable('The response must have a Patient as subject');
    const read = readInstrumentAnswers(response, definition, linkIdsFromQuestionnaire(questionnaire, definition));
    if (read.problems.length > 0) throw new FhirError(422, outcome(...read.problems.map((p) => issue('error', 'value', p))));
    if (!target.id) response = (await commitWrites(txCtx, writesOf(response))).resources[0] as QuestionnaireResponse;
    const reference = `QuestionnaireResponse/${response.id}`;
    const patient = await readResource<Patient>(txCtx, 'Patient', patientId);
    const score = scoreOf(definition, read.answers, patient);
    const episode = await activeEpisode(txCtx, patientId);
    const timeZone = episode?.programId ? (await loadProgram(txCtx, episode.programId)).timeZone : DEFAULT_PROGRAM_TIME_ZONE;

    const writes = new WriteSet();
    const observation = score.scorable ? writes.create(buildScoreObservation(definition, score, response, reference), keyIdentifier(ID.score, `score|${response.id}`)) : undefined;
    let flag: string | undefined;
    let task: string | undefined;
    if (definition.id === 'phq-9') {
      const risk = assessPhq9Item9Risk(score as Phq9Score, response.id!, now, timeZone);
      const owner = episode?.careManager;
      if (risk.flag) flag = writes.create(buildRiskFlag(risk.flag, `Patient/${patientId}`, reference, episode?.episodeId, response.encounter), keyIdentifier(ID.riskFlag, risk.flag.key));
      if (risk.task) task = writes.create(buildRiskTask(risk.task, `Patient/${patientId}`, reference, now, owner), keyIdentifier(ID.riskTask, risk.task.key));
    }
    const committed = await commitWrites(txCtx, writes);
    const stored = observation ? committed.resources[0] as Observation : undefined;
    return {
      status: target.id ? 200 : 201,
      body: parameters(
        out.reference('response', reference),
        out.resource('score', stored),
        out.integer('total', score.total),
        out.code('severity', score.band?.code),
        out.boolean('prorated', score.prorated),
        out.reference('flag', flag ? committed.locations.get(flag) : undefined),
        out.reference('task', task ? committed.locations.get(task) : undefined),
        outcomePart(score.scorable ? [] : [`${definition.display} not scored: ${score.notScorableReason}. ${MISSING_ITEM_POLICY}`],
          score.prorated ? [`${definition.display} prorated: ${score.missingItems.length} item(s) unanswered. ${MISSING_ITEM_POLICY}`] : []),
      ),
    };
  }),
};

function writesOf(response: QuestionnaireResponse): WriteSet {
  const writes = new WriteSet();
  writes.create({ ...response, id: undefined });
  return writes;
}

/** The instrument a response answers, from its Questionnaire's LOINC panel code. */
function instrumentOf(response: QuestionnaireResponse): { definition: InstrumentDefinition; questionnaire: Questionnaire } {
  const [url, version] = (response.questionnaire ?? '').split('|');
  const questionnaire = loadConformance().resources.find((r): r is Questionnaire =>
    r.resourceType === 'Questionnaire' && (r as Questionnaire).url === url && (version === undefined || (r as Questionnaire).version === version));
  const panel = questionnaire?.code?.find((c) => c.system === CS.loinc)?.code;
  const definition = panel ? findInstrumentByLoinc(panel) : undefined;
  if (!questionnaire || !definition) throw unprocessable(`${response.questionnaire ?? '(no questionnaire)'} is not a scored instrument (PHQ-9, GAD-7, PCL-5, AUDIT-C) of this server`);
  return { definition, questionnaire };
}

function scoreOf(definition: InstrumentDefinition, answers: Record<string, number | undefined>, patient: Patient): InstrumentScore {
  if (definition.id === 'phq-9') return scorePhq9(answers);
  if (definition.id === 'audit-c') return scoreAuditC(answers, patient.gender === 'male' || patient.gender === 'female' ? patient.gender : 'unknown');
  return scoreInstrument(definition, answers);
}

async function activeEpisode(ctx: FhirContext, patientId: string) {
  const episodes = await searchAll<EpisodeOfCare>(ctx, 'EpisodeOfCare', { patient: `Patient/${patientId}`, status: 'active,onhold' });
  return episodes.map(enrollmentFacts).filter((e): e is EnrollmentFacts => e !== undefined).sort((a, b) => (a.start < b.start ? 1 : -1))[0];
}
