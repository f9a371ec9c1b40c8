/**
 * A message from a patient or their family member that mentions self-harm (domain/self-harm-language.ts) raises
 * the same risk workflow as PHQ-9 item 9 (domain/suicide-risk.ts): the clinical risk Flag (evidence: the message)
 * and the 'asap' same-day suicide-risk assessment Task (focus: the message) for the enrolment's care manager,
 * with the same builders (map-score.ts). Keyed by the message, so it is raised once.
 */
import type { CareTeam, Communication, EpisodeOfCare } from '@medplum/fhirtypes';
import { findSelfHarmMention } from '../../domain/self-harm-language';
import { assessMessageRisk } from '../../domain/suicide-risk';
import type { FhirContext } from '../../fhir/types';
import { EXT, findExtension, ID, keyIdentifier } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { enrollmentFacts } from './map-enrollment';
import { buildRiskFlag, buildRiskTask } from './map-score';
import { DEFAULT_PROGRAM_TIME_ZONE, nowOf } from './operation-support';
import { idOf, readResource } from './read-resources';
import { commitWrites, WriteSet } from './write-transaction';

/** The words a message says: its topic and every text payload. */
export function messageText(message: Communication): string {
  return [message.topic?.text, ...(message.payload ?? []).map((p) => p.contentString)].filter((t): t is string => !!t).join('\n');
}

export async function escalateSelfHarmMention(ctx: FhirContext, message: Communication, team: CareTeam): Promise<boolean> {
  const mention = findSelfHarmMention(messageText(message));
  if (!mention) return false;
  const now = nowOf(ctx);
  const episodeId = idOf(findExtension(team, EXT.enrollment)?.valueReference, 'EpisodeOfCare');
  const facts = episodeId ? enrollmentFacts(await readResource<EpisodeOfCare>(ctx, 'EpisodeOfCare', episodeId)) : undefined;
  const timeZone = facts?.programId ? (await loadProgram(ctx, facts.programId)).timeZone : DEFAULT_PROGRAM_TIME_ZONE;
  const risk = assessMessageRisk(mention, message.id!, now, timeZone);
  const evidence = `Communication/${message.id}`;
  const patient = message.subject!.reference!;
  const writes = new WriteSet();
  writes.create(buildRiskFlag(risk.flag, patient, evidence, episodeId, message.encounter), keyIdentifier(ID.riskFlag, risk.flag.key));
  writes.create(buildRiskTask(risk.task, patient, evidence, now, facts?.careManager), keyIdentifier(ID.riskTask, risk.task.key));
  await commitWrites(ctx, writes);
  return true;
}
