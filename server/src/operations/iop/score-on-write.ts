/**
 * Plain REST writes of assessments are scored: when a completed PHQ-9, GAD-7, PCL-5 or AUDIT-C
 * QuestionnaireResponse is created or updated (POST, PUT, PATCH, or inside a batch/transaction), the server
 * writes its score Observation and, for PHQ-9 item 9 ≥ 1, the risk Flag and same-day Task, in the same transaction
 * as the response (a write hook, fhir/write-hooks.ts): a failure rolls back both. Versions that no request wrote
 * (a relabelling job rewriting stored responses) are not scored again. Any other QuestionnaireResponse (note
 * templates, drafts, forms without a Patient subject) is left alone.
 *
 * The derived resources are written as the server (system access), not with the writer's scopes: a patient app
 * allowed to submit its PHQ-9 must still raise the risk Flag and Task for the care team.
 */
import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { systemAccess } from '../../auth/access-context';
import type { WriteHook } from '../../fhir/write-hooks';
import { nowOf } from './operation-support';
import { idOf } from './read-resources';
import { findInstrumentOf, scoreStoredResponse } from './score-writes';

export const scoreOnWriteHook: WriteHook = {
  name: 'iop-score-instrument-response',
  resourceType: 'QuestionnaireResponse',
  async afterWrite(tx, written, request) {
    const response = written.resource as QuestionnaireResponse;
    if (!request || written.deleted) return;
    if (response.status !== 'completed' && response.status !== 'amended') return;
    if (!idOf(response.subject, 'Patient') || !findInstrumentOf(response)) return;
    const ctx = { ...request, repo: tx, access: systemAccess(request.access?.audit) };
    await scoreStoredResponse(ctx, response, nowOf(ctx));
  },
};
