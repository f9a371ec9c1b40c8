/**
 * Patient education (issue 15 item 3): the library is stored at start; a clinician assigns an item to a patient they
 * can reach (the patient's copy and a reading Task) and to no one else (404, nothing written); the patient reads it
 * and completing the Task records when (the read receipt).
 */
import type { Bundle, DocumentReference, Task } from '@medplum/fhirtypes';
import { readEducationLibrary, storeEducationLibrary } from '../../server/src/conformance/education-library';
import { createRepository } from '../../server/src/create-repository';
import { createPart2Clinic, Part2Clinic } from '../support/part2-fixtures';
import { startTestServer, TestServer } from '../support/test-server';
import { countOf, invoke, output, params } from './iop-fixtures';

let server: TestServer;
let clinic: Part2Clinic;
const TOPICS = ['cbt-skills', 'dbt-skills', 'relapse-prevention', 'sleep', 'medication-basics', 'crisis-resources'];
const material = (id: string) => ({ name: 'material', valueReference: { reference: `DocumentReference/${id}` } });
const textOf = (document: DocumentReference) => Buffer.from(document.content[0].attachment.data!, 'base64').toString('utf8');

beforeAll(async () => {
  server = await startTestServer();
  const stored = await storeEducationLibrary(createRepository(server.pool));
  expect(stored.problems).toEqual([]);
  expect(stored.written).toBe(TOPICS.length);
  clinic = await createPart2Clinic(server);
});
afterAll(() => server.close());

describe('the education library', () => {
  test('six openly licensed materials, one per topic, stored once (a second start writes nothing)', async () => {
    const library = readEducationLibrary();
    expect(library.map((d) => d.type?.coding?.[0].code).sort()).toEqual([...TOPICS].sort());
    for (const document of library) {
      expect(textOf(document)).toMatch(/CC0 1\.0/);
      expect(textOf(document).length).toBeGreaterThan(400);
    }
    expect(textOf(library.find((d) => d.id === 'education-crisis-resources')!)).toMatch(/call or text 988/);
    expect((await storeEducationLibrary(createRepository(server.pool))).written).toBe(0);
    const res = await server.http.get('/fhir/DocumentReference?category=http://iop-fhir.org/fhir/CodeSystem/patient-education|education&_count=50');
    expect((res.body as Bundle).entry?.map((e) => e.resource!.id).sort()).toEqual(TOPICS.map((t) => `education-${t}`).sort());
  });
});

describe('assigning and reading', () => {
  let task: string;
  let copy: string;

  test('a clinician cannot assign to a patient outside their programs: 404, nothing written', async () => {
    const therapist = await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    const tasksBefore = await countOf(server, 'Task');
    const documentsBefore = await countOf(server, 'DocumentReference');
    const res = await therapist.post('/fhir/DocumentReference/$assign-education').set('Content-Type', 'application/fhir+json')
      .send(params(material('education-relapse-prevention'), { name: 'patient', valueReference: { reference: `Patient/${clinic.sudPatient}` } }));
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/not a patient you can reach/);
    expect(await countOf(server, 'Task')).toBe(tasksBefore);
    expect(await countOf(server, 'DocumentReference')).toBe(documentsBefore);
  });

  test('bad input: no patient is a 400, a document that is not library material a 422', async () => {
    const therapist = await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    const none = await therapist.post('/fhir/DocumentReference/$assign-education').set('Content-Type', 'application/fhir+json').send(params(material('education-sleep')));
    expect(none.status).toBe(400);
    const assigned = await invoke(server, 'DocumentReference/$assign-education', params(material('education-sleep'), { name: 'patient', valueReference: { reference: `Patient/${clinic.mhPatient}` } }));
    const ownCopy = output(assigned.body, 'material')!.valueReference!.reference!;
    const again = await therapist.post('/fhir/DocumentReference/$assign-education').set('Content-Type', 'application/fhir+json')
      .send(params({ name: 'material', valueReference: { reference: ownCopy } }, { name: 'patient', valueReference: { reference: `Patient/${clinic.mhPatient}` } }));
    expect(again.status).toBe(422);
  });

  test('the clinician assigns to their patient: the patient\'s copy and a reading Task naming the clinician', async () => {
    const therapist = await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    const res = await therapist.post('/fhir/DocumentReference/$assign-education').set('Content-Type', 'application/fhir+json')
      .send(params(material('education-cbt-skills'), { name: 'patient', valueReference: { reference: `Patient/${clinic.mhPatient}` } }, { name: 'note', valueString: 'Try one thought record before Thursday.' }));
    expect(res.status).toBe(200);
    task = output(res.body, 'task')!.valueReference!.reference!;
    copy = output(res.body, 'material')!.valueReference!.reference!;
    const stored = (await server.http.get(`/fhir/${task}`)).body as Task;
    expect(stored).toMatchObject({
      status: 'requested', intent: 'order', for: { reference: `Patient/${clinic.mhPatient}` }, focus: { reference: copy },
      requester: { reference: `Practitioner/${clinic.mhTherapist}` }, description: 'Read: CBT skills: catching and checking automatic thoughts',
    });
    expect(stored.note?.[0].text).toBe('Try one thought record before Thursday.');
    const document = (await server.http.get(`/fhir/${copy}`)).body as DocumentReference;
    expect(document.subject?.reference).toBe(`Patient/${clinic.mhPatient}`);
    expect(document.relatesTo?.[0]).toEqual({ code: 'transforms', target: { reference: 'DocumentReference/education-cbt-skills' } });
    expect(textOf(document)).toMatch(/thought record/);
  });

  test('the patient reads their copy and completes the Task (the read receipt); another patient cannot see it', async () => {
    const patient = await server.as('patient/*.crus', { fhirUser: `Patient/${clinic.mhPatient}`, patient: clinic.mhPatient });
    const tasks = await patient.get(`/fhir/Task?patient=Patient/${clinic.mhPatient}&code=http://iop-fhir.org/fhir/CodeSystem/patient-education|read-education`);
    expect(tasks.status).toBe(200);
    const mine = ((tasks.body as Bundle).entry ?? []).map((e) => e.resource as Task);
    expect(mine.map((t) => `Task/${t.id}`)).toContain(task);
    expect((await patient.get(`/fhir/${copy}`)).status).toBe(200);
    const readAt = '2026-03-04T15:30:00Z';
    const current = mine.find((t) => `Task/${t.id}` === task)!;
    const done = await patient.put(`/fhir/${task}`).set('Content-Type', 'application/fhir+json').send({ ...current, status: 'completed', executionPeriod: { start: readAt, end: readAt } });
    expect(done.status).toBe(200);
    expect(((await server.http.get(`/fhir/${task}`)).body as Task).executionPeriod?.end).toBe(readAt);
    const other = await server.as('patient/*.crus', { fhirUser: `Patient/${clinic.sudPatient}`, patient: clinic.sudPatient });
    expect((await other.get(`/fhir/${task}`)).status).toBe(404);
  });

  test('material assigned in the Part 2 program is labelled 42 CFR Part 2, and so is the patient\'s copy', async () => {
    const counselor = await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.sudCounselor}` });
    const res = await counselor.post('/fhir/DocumentReference/$assign-education').set('Content-Type', 'application/fhir+json')
      .send(params(material('education-relapse-prevention'), { name: 'patient', valueReference: { reference: `Patient/${clinic.sudPatient}` } }));
    expect(res.status).toBe(200);
    const labels = async (reference: string) => (((await server.http.get(`/fhir/${reference}`)).body as Task).meta?.security ?? []).map((s) => s.code);
    const sudTask = output(res.body, 'task')!.valueReference!.reference!;
    expect(((await server.http.get(`/fhir/${sudTask}`)).body as Task).basedOn).toEqual([{ reference: `EpisodeOfCare/${clinic.sud.episode}` }]);
    expect(await labels(sudTask)).toContain('42CFRPart2');
    expect(await labels(output(res.body, 'material')!.valueReference!.reference!)).toContain('42CFRPart2');
    // The mental-health patient's assignment is not.
    expect(await labels(task)).not.toContain('42CFRPart2');
  });
});
