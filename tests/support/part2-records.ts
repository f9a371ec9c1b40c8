/**
 * One SUD IOP patient's Part 2 records of every kind (docs/part2.md), for the Part 2 leak suite: each is labelled on
 * write because it names the Part 2 program, refers to a record that does, or carries an SUD code.
 */
import type { Resource } from '@medplum/fhirtypes';
import { createResource } from './auth-fixtures';
import type { TestServer } from './test-server';

const IOP = 'http://iop-fhir.org/fhir';

export interface RecordKind {
  type: string;
  /** The search parameter naming the patient. */
  patientParam: string;
}

/** In creation order: later kinds refer to earlier ones. */
export const RECORD_KINDS: RecordKind[] = [
  { type: 'EpisodeOfCare', patientParam: 'patient' },
  { type: 'Group', patientParam: 'member' },
  { type: 'Appointment', patientParam: 'patient' },
  { type: 'Encounter', patientParam: 'patient' },
  { type: 'Condition', patientParam: 'patient' },
  { type: 'QuestionnaireResponse', patientParam: 'patient' },
  { type: 'Observation', patientParam: 'patient' },
  { type: 'Goal', patientParam: 'patient' },
  { type: 'CarePlan', patientParam: 'patient' },
  { type: 'Composition', patientParam: 'patient' },
  { type: 'DocumentReference', patientParam: 'patient' },
  { type: 'Claim', patientParam: 'patient' },
  { type: 'Provenance', patientParam: 'patient' },
];

/** Creates the records; returns type → id. */
export async function createPart2Records(server: TestServer, patient: string, program: string, provider: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const subject = { reference: `Patient/${patient}` };
  const ref = (type: string) => ({ reference: `${type}/${ids[type]}` });
  const build: Record<string, () => Resource> = {
    EpisodeOfCare: () => ({ resourceType: 'EpisodeOfCare', status: 'active', patient: subject, extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${program}` } }] }),
    Group: () => ({ resourceType: 'Group', type: 'person', actual: true, member: [{ entity: subject }], extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${program}` } }] }),
    Appointment: () => ({ resourceType: 'Appointment', status: 'fulfilled', start: '2026-11-02T15:00:00Z', end: '2026-11-02T18:00:00Z', participant: [{ actor: subject, status: 'accepted' }, { actor: { reference: `HealthcareService/${program}` }, status: 'accepted' }] }),
    Encounter: () => ({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject, episodeOfCare: [ref('EpisodeOfCare')], appointment: [ref('Appointment')] }),
    Condition: () => ({ resourceType: 'Condition', subject, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F11.20' }] } }),
    QuestionnaireResponse: () => ({ resourceType: 'QuestionnaireResponse', status: 'completed', subject, encounter: ref('Encounter') }),
    Observation: () => ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '75626-2' }] }, subject, encounter: ref('Encounter'), derivedFrom: [ref('QuestionnaireResponse')], effectiveDateTime: '2026-11-02T10:00:00Z', valueInteger: 5 }),
    Goal: () => ({ resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'Abstinence' }, subject, addresses: [ref('Condition')] }),
    CarePlan: () => ({ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject, addresses: [ref('Condition')], goal: [ref('Goal')] }),
    Composition: () => ({ resourceType: 'Composition', status: 'final', type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }] }, subject, encounter: ref('Encounter'), date: '2026-11-02', author: [{ reference: `Organization/${provider}` }], title: 'Group note' }),
    DocumentReference: () => ({ resourceType: 'DocumentReference', status: 'current', subject, content: [{ attachment: { contentType: 'text/plain', data: 'Tm90ZQ==' } }], context: { encounter: [ref('Encounter')] } }),
    Claim: () => ({
      resourceType: 'Claim', status: 'active', use: 'claim', created: '2026-11-02', patient: subject,
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] }, provider: { reference: `Organization/${provider}` },
      priority: { coding: [{ code: 'normal' }] }, insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme' } }],
      item: [{ sequence: 1, productOrService: { coding: [{ code: 'H0015' }] }, encounter: [ref('Encounter')] }],
    }),
    Provenance: () => ({ resourceType: 'Provenance', target: [ref('Composition'), subject], recorded: '2026-11-02T10:00:00Z', agent: [{ who: { reference: `Organization/${provider}` } }] }),
  };
  for (const kind of RECORD_KINDS) ids[kind.type] = await createResource(server, build[kind.type]());
  return ids;
}
