/**
 * A small 42 CFR Part 2 clinic for tests (docs/part2.md): an SUD program (Part 2) and an MH program, a patient in
 * each with an enrolment, an Encounter and a Claim, staff on each program, a payer organisation with a backend client
 * registered for payment, and a helper that writes Consents of the shape the server honours.
 */
import type { Consent, Resource } from '@medplum/fhirtypes';
import { registerClient } from '../../server/src/auth/clients';
import { authServerOf } from './auth-tokens';
import { jwksOf, makeKey } from './auth-keys';
import { createResource } from './auth-fixtures';
import type { TestServer } from './test-server';

const IOP = 'http://iop-fhir.org/fhir';

export interface Part2Clinic {
  payer: string;
  hie: string;
  sudProgram: string;
  mhProgram: string;
  /** The SUD program's patient, with an enrolment, an Encounter, a Claim, a Condition and an Observation. */
  sudPatient: string;
  mhPatient: string;
  sud: { episode: string; encounter: string; claim: string; condition: string; observation: string };
  mh: { episode: string; encounter: string; claim: string };
  /** Staff of the SUD program, and of the MH program only. */
  sudCounselor: string;
  mhTherapist: string;
  payerClient: string;
}

export function part2Consent(patient: string, recipient: string, purposes: string[], extra: Partial<Consent> = {}): Consent {
  return {
    resourceType: 'Consent', status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${patient}` }, dateTime: '2026-01-05',
    policy: [{ uri: 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2' }],
    provision: {
      type: 'permit',
      actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: recipient } }],
      purpose: purposes.map((code) => ({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code })),
    },
    ...extra,
  };
}

export const codesOf = (r: Resource | undefined): (string | undefined)[] => (r?.meta?.security ?? []).map((c) => c.code);

export async function createPart2Clinic(server: TestServer, tag = Math.random().toString(36).slice(2, 8)): Promise<Part2Clinic> {
  const org = await createResource(server, { resourceType: 'Organization', name: `Riverbend ${tag}` });
  const payer = await createResource(server, { resourceType: 'Organization', name: `Acme Health Plan ${tag}` });
  const hie = await createResource(server, { resourceType: 'Organization', name: `State HIE ${tag}` });
  const sudProgram = await createResource(server, {
    resourceType: 'HealthcareService', name: `SUD IOP ${tag}`, providedBy: { reference: `Organization/${org}` },
    extension: [{ url: `${IOP}/StructureDefinition/part2-program`, valueBoolean: true }],
  });
  const mhProgram = await createResource(server, { resourceType: 'HealthcareService', name: `MH IOP ${tag}`, providedBy: { reference: `Organization/${org}` } });
  const sudCounselor = await createResource(server, { resourceType: 'Practitioner', name: [{ family: `Counselor ${tag}` }] });
  const mhTherapist = await createResource(server, { resourceType: 'Practitioner', name: [{ family: `Therapist ${tag}` }] });
  for (const [practitioner, program] of [[sudCounselor, sudProgram], [mhTherapist, mhProgram]]) {
    await createResource(server, {
      resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${practitioner}` },
      organization: { reference: `Organization/${org}` }, healthcareService: [{ reference: `HealthcareService/${program}` }],
    });
  }
  const sudPatient = await createResource(server, { resourceType: 'Patient', name: [{ family: `Sud ${tag}` }] });
  const mhPatient = await createResource(server, { resourceType: 'Patient', name: [{ family: `Mh ${tag}` }] });
  const sud = await enrolment(server, sudPatient, sudProgram, org);
  const condition = await createResource(server, {
    resourceType: 'Condition', subject: { reference: `Patient/${sudPatient}` },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F10.20' }] },
  });
  const observation = await createResource(server, {
    resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '75626-2' }] },
    subject: { reference: `Patient/${sudPatient}` }, encounter: { reference: `Encounter/${sud.encounter}` }, valueInteger: 6,
  });
  const mh = await enrolment(server, mhPatient, mhProgram, org);
  const payerClient = `payer-${tag}`;
  await registerClient(authServerOf(server.app).pool, {
    clientId: payerClient, type: 'backend', scope: 'system/*.rs', jwks: jwksOf(makeKey('ES384')), organization: `Organization/${payer}`, purposes: ['HPAYMT', 'HOPERAT'],
  });
  return { payer, hie, sudProgram, mhProgram, sudPatient, mhPatient, sud: { ...sud, condition, observation }, mh, sudCounselor, mhTherapist, payerClient };
}

async function enrolment(server: TestServer, patient: string, program: string, org: string): Promise<{ episode: string; encounter: string; claim: string }> {
  const episode = await createResource(server, {
    resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${patient}` }, managingOrganization: { reference: `Organization/${org}` },
    extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${program}` } }],
  });
  const encounter = await createResource(server, {
    resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patient}` }, episodeOfCare: [{ reference: `EpisodeOfCare/${episode}` }],
  });
  const claim = await createResource(server, {
    resourceType: 'Claim', status: 'active', use: 'claim', created: '2026-11-02', patient: { reference: `Patient/${patient}` },
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    provider: { reference: `Organization/${org}` }, priority: { coding: [{ code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme' } }],
    item: [{ sequence: 1, productOrService: { coding: [{ code: 'H0015' }] }, encounter: [{ reference: `Encounter/${encounter}` }] }],
  });
  return { episode, encounter, claim };
}
