/**
 * Scoring a stored instrument QuestionnaireResponse into resources, shared by $score and by plain REST writes
 * (score-on-write.ts): the score Observation (derivedFrom the response, the missing-item policy stated when it
 * applies) and, for PHQ-9 item 9 ≥ 1, the high-priority risk Flag and the same-day Task (domain/suicide-risk.ts).
 * Idempotent by the response id: a re-saved response updates its Observation (only when the score changed) and
 * never adds a second Flag or Task; a corrected response without the risk closes the open Flag and Task it raised.
 */
import type { EpisodeOfCare, Flag, Observation, Patient, Questionnaire, QuestionnaireResponse, Resource, Task } from '@medplum/fhirtypes';
import type { InstrumentDefinition } from '../../domain/instrument-definitions';
import { findInstrumentByLoinc } from '../../domain/instrument-definitions';
import { linkIdsFromQuestionnaire, readInstrumentAnswers } from '../../domain/instrument-answers';
import type { InstrumentScore, Phq9Score } from '../../domain/score-instrument';
import { scoreAuditC, scoreInstrument, scorePhq9 } from '../../domain/score-instrument';
import { assessPhq9Item9Risk } from '../../domain/suicide-risk';
import { loadConformance } from '../../conformance/load-conformance';
import { FhirError, issue, outcome, unprocessable } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { Identifier } from '@medplum/fhirtypes';
import { CS, ID, keyIdentifier } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { enrollmentFacts, type EnrollmentFacts } from './map-enrollment';
import { buildRiskFlag, buildRiskTask, buildScoreObservation } from './map-score';
import { DEFAULT_PROGRAM_TIME_ZONE } from './operation-support';
import { idOf, readResource, searchAll } from './read-resources';
import { commitWrites, WriteSet } from './write-transaction';

export interface ScoredResponse {
  score: InstrumentScore;
  definition: InstrumentDefinition;
  observation?: string;
  flag?: string;
  task?: string;
}

/** The instrument a response answers (from its Questionnaire's LOINC panel code), or undefined for any other form. */
export function findInstrumentOf(response: QuestionnaireResponse): { definition: InstrumentDefinition; questionnaire: Questionnaire } | undefined {
  const [url, version] = (response.questionnaire ?? '').split('|');
  const questionnaire = loadConformance().resources.find((r): r is Questionnaire =>
    r.resourceType === 'Questionnaire' && (r as Questionnaire).url === url && (version === undefined || (r as Questionnaire).version === version));
  const panel = questionnaire?.code?.find((c) => c.system === CS.loinc)?.code;
  const definition = panel ? findInstrumentByLoinc(panel) : undefined;
  return questionnaire && definition ? { definition, questionnaire } : undefined;
}

/**
 * Scores a STORED response (it has an id) in the caller's transaction. Refuses (422) a response that is not
 * completed, has no Patient subject, or answers with values the instrument does not have.
 */
export async function scoreStoredResponse(ctx: FhirContext, response: QuestionnaireResponse, now: Date): Promise<ScoredResponse> {
  const instrument = findInstrumentOf(response);
  if (!instrument) throw unprocessable(`${response.questionnaire ?? '(no questionnaire)'} is not a scored instrument (PHQ-9, GAD-7, PCL-5, AUDIT-C) of this server`);
  const { definition, questionnaire } = instrument;
  if (response.status !== 'completed' && response.status !== 'amended') throw unprocessable(`Only a completed response is scored; this one is ${response.status}`);
  const patientId = idOf(response.subject, 'Patient');
  if (!patientId) throw unprocessable('The response must have a Patient as subject');
  const read = readInstrumentAnswers(response, definition, linkIdsFromQuestionnaire(questionnaire, definition));
  if (read.problems.length > 0) throw new FhirError(422, outcome(...read.problems.map((p) => issue('error', 'value', p))));
  const reference = `QuestionnaireResponse/${response.id}`;
  const patient = await readResource<Patient>(ctx, 'Patient', patientId);
  const score = scoreOf(definition, read.answers, patient);
  const episode = await activeEpisode(ctx, patientId);
  const timeZone = episode?.programId ? (await loadProgram(ctx, episode.programId)).timeZone : DEFAULT_PROGRAM_TIME_ZONE;

  const writes = new WriteSet();
  const result: ScoredResponse = { score, definition };
  if (score.scorable) {
    const identifier = keyIdentifier(ID.score, `score|${response.id}`);
    const built = { ...buildScoreObservation(definition, score, response, reference), identifier: [identifier] };
    const [existing] = await searchAll<Observation>(ctx, 'Observation', { identifier: tokenOf(identifier) });
    if (!existing) writes.create(built, identifier);
    else if (!sameContent(existing, built)) writes.update({ ...built, id: existing.id, meta: { ...built.meta, versionId: existing.meta?.versionId } });
    result.observation = existing ? `Observation/${existing.id}` : undefined;
  }
  if (definition.id === 'phq-9') {
    const risk = assessPhq9Item9Risk(score as Phq9Score, response.id!, now, timeZone);
    const flagKey = keyIdentifier(ID.riskFlag, risk.flag?.key ?? `phq9-item9-positive|${response.id}`);
    const [flag] = await searchAll<Flag>(ctx, 'Flag', { identifier: tokenOf(flagKey) });
    if (risk.flag && !flag) writes.create(buildRiskFlag(risk.flag, `Patient/${patientId}`, reference, episode?.episodeId, response.encounter), flagKey);
    if (!risk.flag && flag?.status === 'active') writes.update({ ...flag, status: 'inactive', period: { ...flag.period, end: now.toISOString() } });
    result.flag = flag ? `Flag/${flag.id}` : undefined;
    // The Task raised for this response (same-day assessment, or asking item 9 when it was skipped).
    const tasks = await searchAll<Task>(ctx, 'Task', { focus: reference });
    const wanted = risk.task ? keyIdentifier(ID.riskTask, risk.task.key) : undefined;
    const current = wanted && tasks.find((t) => t.identifier?.some((i) => i.system === wanted.system && i.value === wanted.value));
    if (risk.task && wanted && !current) writes.create(buildRiskTask(risk.task, `Patient/${patientId}`, reference, now, episode?.careManager), wanted);
    for (const stale of tasks.filter((t) => t !== current && t.identifier?.some((i) => i.system === ID.riskTask) && (t.status === 'requested' || t.status === 'ready'))) {
      writes.update({ ...stale, status: 'cancelled', statusReason: { text: 'The response was corrected; this task no longer applies' } });
    }
    result.task = current ? `Task/${current.id}` : undefined;
  }
  const committed = await commitWrites(ctx, writes);
  for (const [urn, location] of committed.locations) {
    const type = location.split('/')[0];
    const entry = writes.entries.find((e) => e.fullUrl === urn);
    if (!entry || entry.request?.method !== 'POST') continue;
    if (type === 'Observation') result.observation = location;
    if (type === 'Flag') result.flag = location;
    if (type === 'Task') result.task = location;
  }
  return result;
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

const tokenOf = (identifier: Identifier) => `${identifier.system}|${identifier.value}`;

/** Same content apart from id and meta (version, lastUpdated). */
export function sameContent(stored: Resource, candidate: Resource): boolean {
  const strip = ({ id: _id, meta: _meta, ...rest }: Resource & { id?: string; meta?: unknown }) => JSON.stringify(sortKeys(rest));
  return strip(stored) === strip(candidate);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
