/**
 * The input of $document-group-session: the shared part (once) and one member part per attendee, read into the
 * domain's GroupSessionContent / MemberSectionContent and into the group-note template's answers
 * (profiles/questionnaires/Questionnaire-group-session-note.json: shared.*, member.*).
 */
import type { Coding, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer, Reference } from '@medplum/fhirtypes';
import { badRequest } from '../../errors';
import { OperationInput } from '../operation-input';
import { codings, optionalCoding, references } from './read-input';
import { PROFILE } from './iop-vocabulary';
import { parseLocalReference, type AnyReference } from './read-resources';

export const GROUP_NOTE_TEMPLATE = 'http://iop-fhir.org/fhir/Questionnaire/group-session-note';
const MODALITY = 'http://iop-fhir.org/fhir/CodeSystem/therapy-modality';
const PARTICIPATION = 'http://iop-fhir.org/fhir/CodeSystem/group-participation';
const RESPONSE = 'http://iop-fhir.org/fhir/CodeSystem/intervention-response';
const RISK_LEVEL = 'http://iop-fhir.org/fhir/CodeSystem/risk-level';
const GOAL_ACHIEVEMENT = 'http://terminology.hl7.org/CodeSystem/goal-achievement';

export interface SharedInput {
  topic: string;
  modality: Coding;
  interventions: string;
  summary: string;
}

export interface GoalProgressInput {
  goal: Reference;
  status: Coding;
  comment?: string;
}

export interface MemberInput {
  patientId: string;
  participation: Coding;
  response: Coding;
  progress?: string;
  goals: GoalProgressInput[];
  riskLevel?: Coding;
  riskDetails?: string;
  observations?: string;
  plan?: string;
  absenceReason?: string;
}

export function readShared(input: OperationInput): SharedInput {
  const parameter = input.all('shared')[0];
  if (!parameter?.part) throw badRequest('The shared part (topic, modality, interventions, summary) is required');
  const part = new OperationInput(parameter.part);
  const need = (name: string) => {
    const value = part.string(name);
    if (!value || value.trim() === '') throw badRequest(`shared.${name} is required`);
    return value.trim();
  };
  const modality = optionalCoding(part, 'modality', MODALITY);
  if (!modality) throw badRequest('shared.modality (a therapy-modality code) is required');
  const topic = need('topic');
  return { topic, modality, interventions: need('interventions'), summary: part.string('summary')?.trim() || topic };
}

/** Member parts by patient id; a member part may also describe an absent patient (plan, absence reason). */
export function readMembers(input: OperationInput): Map<string, MemberInput> {
  const members = new Map<string, MemberInput>();
  for (const [index, parameter] of input.all('member').entries()) {
    const part = new OperationInput(parameter.part ?? []);
    const patient = references(part, 'patient')[0];
    if (!patient) throw badRequest(`member[${index}].patient (a Reference) is required`);
    const [, patientId] = parseLocalReference(patient, `member[${index}].patient`, 'Patient');
    if (members.has(patientId)) throw badRequest(`member[${index}]: Patient/${patientId} is listed twice`);
    const goals = part.all('goalProgress').map((g, i) => {
      const goalPart = new OperationInput(g.part ?? []);
      const goal = references(goalPart, 'goal')[0];
      const status = optionalCoding(goalPart, 'status', GOAL_ACHIEVEMENT);
      if (!goal || !status) throw badRequest(`member[${index}].goalProgress[${i}] needs goal (Reference) and status (goal-achievement code)`);
      parseLocalReference(goal, `member[${index}].goalProgress[${i}].goal`, 'Goal');
      return { goal, status, comment: goalPart.string('comment') };
    });
    members.set(patientId, {
      patientId,
      participation: codings(part, 'participation', PARTICIPATION)[0],
      response: codings(part, 'response', RESPONSE)[0],
      progress: part.string('progress'),
      goals,
      riskLevel: optionalCoding(part, 'riskLevel', RISK_LEVEL),
      riskDetails: part.string('riskDetails'),
      observations: part.string('observations'),
      plan: part.string('plan'),
      absenceReason: part.string('absenceReason'),
    });
  }
  return members;
}

/** What the template requires of an attendee's member part. */
export function missingForAttendee(member: MemberInput | undefined): string[] {
  if (!member) return ['the member part'];
  return [...(member.participation ? [] : ['participation']), ...(member.response ? [] : ['response'])];
}

export function labelOf(coding: Coding | undefined): string | undefined {
  return coding ? coding.display ?? coding.code : undefined;
}

const answer = (value: QuestionnaireResponseItemAnswer): QuestionnaireResponseItemAnswer[] => [value];

/** The attendee's answers to the group-note template: shared items and this member's items only. */
export function buildGroupNoteResponse(input: {
  shared: SharedInput; member: MemberInput; attendance: Coding; minutes: number; durationMinutes: number;
  patientId: string; encounter: string; author: AnyReference; authored: string;
}): QuestionnaireResponse {
  const { shared, member } = input;
  const memberItems: QuestionnaireResponseItem[] = [
    { linkId: 'member.attendance', answer: answer({ valueCoding: input.attendance }) },
    { linkId: 'member.minutes', answer: answer({ valueInteger: input.minutes }) },
    { linkId: 'member.participation', answer: answer({ valueCoding: member.participation }) },
    { linkId: 'member.response', answer: answer({ valueCoding: member.response }) },
    ...member.goals.map((g): QuestionnaireResponseItem => ({
      linkId: 'member.goal-progress',
      item: [
        { linkId: 'member.goal-progress.goal', answer: answer({ valueReference: g.goal }) },
        { linkId: 'member.goal-progress.status', answer: answer({ valueCoding: g.status }) },
        ...(g.comment ? [{ linkId: 'member.goal-progress.comment', answer: answer({ valueString: g.comment }) }] : []),
      ],
    })),
    ...(member.riskLevel ? [{
      linkId: 'member.risk',
      item: [
        { linkId: 'member.risk.level', answer: answer({ valueCoding: member.riskLevel }) },
        ...(member.riskDetails ? [{ linkId: 'member.risk.details', answer: answer({ valueString: member.riskDetails }) }] : []),
      ],
    }] : []),
    ...(member.observations ? [{ linkId: 'member.observations', answer: answer({ valueString: member.observations }) }] : []),
  ];
  return {
    resourceType: 'QuestionnaireResponse',
    meta: { profile: [PROFILE.assessmentResponse] },
    questionnaire: GROUP_NOTE_TEMPLATE,
    status: 'completed',
    subject: { reference: `Patient/${input.patientId}` },
    encounter: { reference: input.encounter },
    authored: input.authored,
    author: input.author,
    item: [
      {
        linkId: 'shared',
        item: [
          { linkId: 'shared.topic', answer: answer({ valueString: shared.topic }) },
          { linkId: 'shared.modality', answer: answer({ valueCoding: shared.modality }) },
          { linkId: 'shared.interventions', answer: answer({ valueString: shared.interventions }) },
          { linkId: 'shared.duration', answer: answer({ valueInteger: input.durationMinutes }) },
        ],
      },
      { linkId: 'member', item: memberItems },
    ],
  };
}
