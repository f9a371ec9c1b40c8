/**
 * A scored instrument as resources: the score Observation (IOP Score Observation profile: total, severity band,
 * derivedFrom the response) and, for PHQ-9 item 9, the risk Flag and the same-day Task (domain/suicide-risk.ts).
 * Severity bands map onto the ScoreSeverity CodeSystem; the instrument's own band name stays as text.
 */
import type { Flag, Observation, QuestionnaireResponse, Task } from '@medplum/fhirtypes';
import type { InstrumentDefinition } from '../../domain/instrument-definitions';
import type { InstrumentScore } from '../../domain/score-instrument';
import type { RiskFlagDescriptor, RiskTaskDescriptor } from '../../domain/suicide-risk';
import { CS, EXT, PROFILE } from './iop-vocabulary';
import type { AnyReference } from './read-resources';

const SEVERITY: Readonly<Record<string, string>> = {
  'none-minimal': 'none-minimal', minimal: 'none-minimal', mild: 'mild', moderate: 'moderate', 'moderately-severe': 'moderately-severe', severe: 'severe',
  'below-threshold': 'negative-screen', 'probable-ptsd': 'positive-screen', negative: 'negative-screen', positive: 'positive-screen',
};

export const MISSING_ITEM_POLICY = 'Missing items: the total is prorated (sum × items / answered, rounded half up) when at most PHQ-9 2, GAD-7 1, PCL-5 2 items are missing; AUDIT-C needs every item (Q2–Q3 score 0 when Q1 is "Never"); otherwise the response is not scored.';

export function buildScoreObservation(definition: InstrumentDefinition, score: InstrumentScore, response: QuestionnaireResponse, responseReference: string): Observation {
  const band = score.band ? SEVERITY[score.band.code] : undefined;
  return {
    resourceType: 'Observation',
    meta: { profile: [PROFILE.scoreObservation] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
    code: { coding: [{ system: CS.loinc, code: definition.totalLoinc, display: `${definition.display} total score` }], text: `${definition.display} total score` },
    subject: response.subject as AnyReference,
    ...(response.encounter ? { encounter: response.encounter } : {}),
    effectiveDateTime: response.authored,
    valueInteger: score.total,
    ...(score.band ? { interpretation: [{ ...(band ? { coding: [{ system: CS.scoreSeverity, code: band }] } : {}), text: score.band.display }] } : {}),
    derivedFrom: [{ reference: responseReference }],
    ...(score.prorated ? { note: [{ text: `Prorated from ${score.answeredItems} of ${definition.items.length} items (unanswered: ${score.missingItems.join(', ')}). ${MISSING_ITEM_POLICY}` }] } : {}),
  };
}

export function buildRiskFlag(flag: RiskFlagDescriptor, patient: string, responseReference: string, episodeId?: string, encounter?: AnyReference): Flag {
  return {
    resourceType: 'Flag',
    meta: { profile: [PROFILE.riskFlag] },
    extension: [
      { url: EXT.riskEvidence, valueReference: { reference: responseReference } },
      ...(episodeId ? [{ url: EXT.enrollment, valueReference: { reference: `EpisodeOfCare/${episodeId}` } }] : []),
    ],
    status: 'active',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety', display: 'Safety' }] }],
    code: { coding: [{ system: flag.system, code: flag.code }], text: flag.reason },
    subject: { reference: patient },
    period: { start: flag.periodStart.toISOString() },
    ...(encounter ? { encounter } : {}),
  };
}

export function buildRiskTask(task: RiskTaskDescriptor, patient: string, responseReference: string, now: Date, owner?: AnyReference): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: task.priority,
    code: { coding: [{ system: CS.taskCode, code: task.code }], text: task.description },
    description: task.description,
    for: { reference: patient },
    focus: { reference: responseReference },
    authoredOn: now.toISOString(),
    restriction: { period: { end: task.dueBy.toISOString() } },
    ...(owner ? { owner } : {}),
  };
}
