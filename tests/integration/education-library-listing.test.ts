/**
 * The education library is listed to a clinician's token by `GET DocumentReference/$education-library` (the library
 * items themselves are outside a clinician's patient-limited access, because R4 puts DocumentReference in the Patient
 * compartment): the six current library items, and nothing of any patient — not a patient's copy made by
 * $assign-education, not another DocumentReference without a subject that is not education material.
 */
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import { storeEducationLibrary } from '../../server/src/conformance/education-library';
import { createRepository } from '../../server/src/create-repository';
import { createPart2Clinic, Part2Clinic } from '../support/part2-fixtures';
import { startTestServer, TestServer } from '../support/test-server';
import { invoke, output, params } from './iop-fixtures';

let server: TestServer;
let clinic: Part2Clinic;
const LIBRARY = ['cbt-skills', 'dbt-skills', 'relapse-prevention', 'sleep', 'medication-basics', 'crisis-resources'].map((t) => `education-${t}`).sort();
const ids = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource!.id!).sort();

beforeAll(async () => {
  server = await startTestServer();
  await storeEducationLibrary(createRepository(server.pool));
  clinic = await createPart2Clinic(server);
  // A patient's copy (subject the patient), a withdrawn library item and a subject-less document that is not education.
  const assigned = await invoke(server, 'DocumentReference/$assign-education', params(
    { name: 'material', valueReference: { reference: 'DocumentReference/education-sleep' } },
    { name: 'patient', valueReference: { reference: `Patient/${clinic.mhPatient}` } }));
  expect(assigned.status).toBe(200);
  expect(output(assigned.body, 'material')).toBeDefined();
  const sleep = (await server.http.get('/fhir/DocumentReference/education-sleep')).body as DocumentReference;
  await server.http.put('/fhir/DocumentReference/education-old-handout').set('Content-Type', 'application/fhir+json')
    .send({ ...sleep, id: 'education-old-handout', status: 'superseded', meta: undefined }).expect((r) => expect(r.status).toBeLessThan(300));
  await server.http.post('/fhir/DocumentReference').set('Content-Type', 'application/fhir+json').send({
    resourceType: 'DocumentReference', status: 'current', type: { text: 'Staff rota' },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('rota').toString('base64') } }],
  }).expect(201);
});
afterAll(() => server.close());

describe('GET DocumentReference/$education-library', () => {
  test('a clinician whose search cannot reach the library items lists exactly the current library', async () => {
    const therapist = await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    const search = await therapist.get('/fhir/DocumentReference?category=http://iop-fhir.org/fhir/CodeSystem/patient-education|education&_count=50');
    expect(search.status).toBe(200);
    expect(ids(search.body).filter((id) => id.startsWith('education-'))).toEqual([]);
    const res = await therapist.get('/fhir/DocumentReference/$education-library');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(ids(res.body)).toEqual(LIBRARY);
    const titles = (res.body as Bundle<DocumentReference>).entry!.map((e) => e.resource!.content[0].attachment.title!);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b)));
    for (const entry of (res.body as Bundle<DocumentReference>).entry!) expect(entry.resource!.subject).toBeUndefined();
  });

  test('the same list for a clinician of another program and for a patient: no patient\'s copy is ever in it', async () => {
    for (const [scopes, fhirUser] of [['user/*.cruds', `Practitioner/${clinic.sudCounselor}`], ['patient/*.rs', `Patient/${clinic.mhPatient}`]]) {
      const agent = await server.as(scopes, fhirUser.startsWith('Patient/') ? { fhirUser, patient: clinic.mhPatient } : { fhirUser });
      const res = await agent.get('/fhir/DocumentReference/$education-library');
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(LIBRARY);
    }
  });

  test('a POST with an empty Parameters lists the same (GET and POST are both routed for an operation that changes nothing)', async () => {
    const therapist = await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    const res = await therapist.post('/fhir/DocumentReference/$education-library').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Parameters' });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(LIBRARY);
  });
});
