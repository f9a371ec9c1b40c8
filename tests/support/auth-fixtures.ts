/**
 * A small clinic for authorization tests, created through the FHIR API with the admin token: two organisations,
 * a practitioner with a role at the first, patients A and B (B at the other organisation) with encounters,
 * observations and episodes of care, and the users and SMART clients that log in with them.
 */
import type { Resource } from '@medplum/fhirtypes';
import { registerClient } from '../../server/src/auth/clients';
import { createUser } from '../../server/src/auth/users';
import { authServerOf, ensureTestClients } from './auth-tokens';
import type { TestServer } from './test-server';

export const PASSWORD = 'correct horse battery';
export const APP_REDIRECT = 'http://app.test/callback';

export interface Clinic {
  orgA: string;
  orgB: string;
  practitioner: string;
  otherPractitioner: string;
  patientA: string;
  patientB: string;
  encounterA: string;
  encounterB: string;
  observationA: string;
  observationB: string;
  surveyA: string;
  relatedPerson: string;
  users: { clinician: string; otherClinician: string; patientA: string; patientB: string; family: string; admin: string };
  clients: { public: string; symmetric: string; symmetricSecret: string };
}

export async function createResource<T extends Resource>(server: TestServer, resource: T): Promise<string> {
  const res = await server.http.post(`/fhir/${resource.resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  if (res.status !== 201) throw new Error(`creating ${resource.resourceType} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

const LAB = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] };
const SURVEY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] };

export async function createClinic(server: TestServer, tag = Math.random().toString(36).slice(2, 8)): Promise<Clinic> {
  const orgA = await createResource(server, { resourceType: 'Organization', name: 'Site A' });
  const orgB = await createResource(server, { resourceType: 'Organization', name: 'Site B' });
  const practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Rivera', given: ['Ana'] }] });
  const otherPractitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Stone', given: ['Ben'] }] });
  await createResource(server, { resourceType: 'PractitionerRole', practitioner: { reference: `Practitioner/${practitioner}` }, organization: { reference: `Organization/${orgA}` } });
  await createResource(server, { resourceType: 'PractitionerRole', practitioner: { reference: `Practitioner/${otherPractitioner}` }, organization: { reference: `Organization/${orgB}` } });
  const patientA = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Alvarez', given: ['Alma'] }], birthDate: '1980-01-01' });
  const patientB = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Brooks', given: ['Bea'] }], birthDate: '1990-02-02' });
  await createResource(server, { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${patientA}` }, managingOrganization: { reference: `Organization/${orgA}` } });
  await createResource(server, { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${patientB}` }, managingOrganization: { reference: `Organization/${orgB}` } });
  const encounterA = await createResource(server, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${patientA}` } });
  const encounterB = await createResource(server, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${patientB}` } });
  const observation = (patient: string, category: object, code: string) => ({
    resourceType: 'Observation' as const, status: 'final' as const, category: [category], code: { text: code }, subject: { reference: `Patient/${patient}` },
  });
  const observationA = await createResource(server, observation(patientA, LAB, 'glucose A'));
  const observationB = await createResource(server, observation(patientB, LAB, 'glucose B'));
  const surveyA = await createResource(server, observation(patientA, SURVEY, 'PHQ-9 A'));
  const relatedPerson = await createResource(server, { resourceType: 'RelatedPerson', patient: { reference: `Patient/${patientA}` }, name: [{ family: 'Alvarez', given: ['Ramon'] }] });

  const auth = authServerOf(server.app);
  await ensureTestClients(auth);
  const user = async (name: string, fhirUser?: string, isAdmin = false) => (await createUser(auth.pool, { username: `${name}-${tag}`, password: PASSWORD, fhirUser, isAdmin })).username;
  const users = {
    clinician: await user('clinician', `Practitioner/${practitioner}`),
    otherClinician: await user('other', `Practitioner/${otherPractitioner}`),
    patientA: await user('patient-a', `Patient/${patientA}`),
    patientB: await user('patient-b', `Patient/${patientB}`),
    family: await user('family', `RelatedPerson/${relatedPerson}`),
    admin: await user('admin', undefined, true),
  };
  const scope = 'openid fhirUser profile launch launch/patient launch/encounter offline_access online_access patient/*.cruds user/*.cruds';
  const publicId = `public-${tag}`;
  const symmetricId = `symmetric-${tag}`;
  await registerClient(auth.pool, { clientId: publicId, type: 'public', redirectUris: [APP_REDIRECT, 'http://app.test/other'], scope });
  const { secret } = await registerClient(auth.pool, { clientId: symmetricId, type: 'confidential-symmetric', redirectUris: [APP_REDIRECT], scope });
  return {
    orgA, orgB, practitioner, otherPractitioner, patientA, patientB, encounterA, encounterB, observationA, observationB, surveyA, relatedPerson,
    users, clients: { public: publicId, symmetric: symmetricId, symmetricSecret: secret! },
  };
}
