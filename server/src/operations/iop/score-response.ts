/**
 * Measurement-based care: POST /QuestionnaireResponse/$score with a completed PHQ-9, GAD-7, PCL-5 or AUDIT-C
 * response (stored and scored in one transaction), or POST /QuestionnaireResponse/{id}/$score for one already
 * stored. A plain POST/PUT of the response is scored the same way (score-on-write.ts); this operation also
 * answers with the score. Scoring, the missing-item policy and the PHQ-9 item 9 rule are domain/
 * (score-instrument.ts, suicide-risk.ts); the resources are written by score-writes.ts, keyed on the response id.
 */
import type { Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { MISSING_ITEM_POLICY } from './map-score';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { readResource } from './read-resources';
import { findInstrumentOf, scoreStoredResponse } from './score-writes';
import { WriteSet, commitWrites } from './write-transaction';

export const scoreOperation: OperationDeclaration = {
  definition: iopOperationDefinition('score'),
  bodyParameter: 'response',
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    let response = target.id ? await readResource<QuestionnaireResponse>(txCtx, 'QuestionnaireResponse', target.id) : input.resource<QuestionnaireResponse>('response');
    if (response?.resourceType !== 'QuestionnaireResponse') throw badRequest('POST the QuestionnaireResponse to score (or call $score on a stored one)');
    if (!findInstrumentOf(response)) throw unprocessable(`${response.questionnaire ?? '(no questionnaire)'} is not a scored instrument (PHQ-9, GAD-7, PCL-5, AUDIT-C) of this server`);
    if (response.status !== 'completed' && response.status !== 'amended') throw unprocessable(`Only a completed response is scored; this one is ${response.status}`);
    // Storing the response scores it too (the write hook); scoring again below finds that work and changes nothing.
    if (!target.id) response = (await commitWrites(txCtx, writesOf(response))).resources[0] as QuestionnaireResponse;
    const scored = await scoreStoredResponse(txCtx, response, nowOf(ctx));
    const { score, definition } = scored;
    const observation = scored.observation ? await readResource<Observation>(txCtx, 'Observation', scored.observation.split('/')[1]) : undefined;
    return {
      status: target.id ? 200 : 201,
      body: parameters(
        out.reference('response', `QuestionnaireResponse/${response.id}`),
        out.resource('score', observation),
        out.integer('total', score.total),
        out.code('severity', score.band?.code),
        out.boolean('prorated', score.prorated),
        out.reference('flag', scored.flag),
        out.reference('task', scored.task),
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
