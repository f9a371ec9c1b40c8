/**
 * A completed instrument QuestionnaireResponse written through plain REST (POST, PUT, transaction) is scored in
 * the same transaction as the write, idempotently; a failure rolls back the response and its score together.
 */
import type { Bundle, Flag, Observation, Questionnaire, QuestionnaireResponse, Task } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';
import { countOf, createFixture, dayFromToday, enroll, Fixture, searchResources, TEST_NOW, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;

const questionnaire = (name: string) => JSON.parse(readFileSync(path.join(__dirname, `../../profiles/questionnaires/Questionnaire-${name}.json`), 'utf8')) as Questionnaire;

function responseTo(name: string, patientId: string, values: (number | undefined)[], status: QuestionnaireResponse['status'] = 'completed'): QuestionnaireResponse {
  const q = questionnaire(name);
  const scored = (q.item ?? []).filter((i) => i.type === 'choice' && (i.required || name !== 'phq-9'));
  return {
    resourceType: 'QuestionnaireResponse', questionnaire: q.url, status, subject: { reference: `Patient/${patientId}` }, authored: TEST_NOW.toISOString(),
    item: scored.flatMap((item, i) => (values[i] === undefined ? [] : [{ linkId: item.linkId, answer: [{ valueCoding: item.answerOption![values[i]!].valueCoding }] }])),
  };
}
const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');
const scoresOf = (responseId: string) => searchResources<Observation>(server, `Observation?derived-from=QuestionnaireResponse/${responseId}`);
const flagsOf = async (patientId: string) => searchResources<Flag>(server, `Flag?patient=Patient/${patientId}`);
const tasksOf = (responseId: string) => searchResources<Task>(server, `Task?focus=QuestionnaireResponse/${responseId}`);

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 4 });
  for (const patient of fx.patients) expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-20))).status).toBe(201);
});
afterAll(() => server.close());

describe('POST and PUT of a QuestionnaireResponse', () => {
  let responseId: string;

  test('a POSTed PHQ-9 with item 9 ≥ 1 gets its score Observation (derivedFrom), the risk Flag and the same-day Task', async () => {
    const res = await json(server.http.post('/fhir/QuestionnaireResponse')).send(responseTo('phq-9', fx.patients[0], [1, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(res.status).toBe(201);
    responseId = res.body.id;
    const [observation, ...more] = await scoresOf(responseId);
    expect(more).toHaveLength(0);
    expect(observation.valueInteger).toBe(9);
    expect(observation.derivedFrom?.[0].reference).toBe(`QuestionnaireResponse/${responseId}`);
    const flags = await flagsOf(fx.patients[0]);
    expect(flags.map((f) => [f.code?.coding?.[0].code, f.status])).toEqual([['phq9-item9-positive', 'active']]);
    const tasks = await tasksOf(responseId);
    expect(tasks.map((t) => [t.code?.coding?.[0].code, t.priority, t.status])).toEqual([['suicide-risk-assessment', 'asap', 'requested']]);
  });

  test('re-saving the same response changes nothing: no second Observation, Flag or Task, no new version', async () => {
    const stored = (await server.http.get(`/fhir/QuestionnaireResponse/${responseId}`)).body as QuestionnaireResponse;
    const [before] = await scoresOf(responseId);
    const counts = [await countOf(server, 'Observation'), await countOf(server, 'Flag'), await countOf(server, 'Task')];
    expect((await json(server.http.put(`/fhir/QuestionnaireResponse/${responseId}`)).send(stored)).status).toBe(200);
    expect([await countOf(server, 'Observation'), await countOf(server, 'Flag'), await countOf(server, 'Task')]).toEqual(counts);
    const [after] = await scoresOf(responseId);
    expect(after.meta?.versionId).toBe(before.meta?.versionId);
  });

  test('a corrected response updates its Observation (same id, new total); without the risk the Flag is closed and the Task cancelled', async () => {
    const [before] = await scoresOf(responseId);
    const corrected = { ...responseTo('phq-9', fx.patients[0], [3, 3, 3, 3, 2, 2, 2, 2, 0]), id: responseId };
    expect((await json(server.http.put(`/fhir/QuestionnaireResponse/${responseId}`)).send(corrected)).status).toBe(200);
    const scores = await scoresOf(responseId);
    expect(scores).toHaveLength(1);
    expect(scores[0].id).toBe(before.id);
    expect(scores[0].valueInteger).toBe(20);
    expect(scores[0].interpretation?.[0].coding?.[0].code).toBe('severe');
    expect((await flagsOf(fx.patients[0])).map((f) => f.status)).toEqual(['inactive']);
    expect((await tasksOf(responseId)).map((t) => t.status)).toEqual(['cancelled']);
  });

  test('the missing-item policy is stated in the Observation; an unanswered item 9 asks for it today', async () => {
    const res = await json(server.http.post('/fhir/QuestionnaireResponse')).send(responseTo('phq-9', fx.patients[1], [2, 2, 2, 2, 2, 2, 2, undefined, undefined]));
    expect(res.status).toBe(201);
    const [observation] = await scoresOf(res.body.id);
    expect(observation.valueInteger).toBe(18); // 14 × 9/7 = 18
    expect(observation.note?.[0].text).toMatch(/Prorated from 7 of 9 items.*Missing items: the total is prorated/);
    expect((await tasksOf(res.body.id)).map((t) => t.code?.coding?.[0].code)).toEqual(['complete-phq9-item9']);
  });

  test('drafts and responses to other forms are stored but not scored', async () => {
    const before = await countOf(server, 'Observation');
    const draft = await json(server.http.post('/fhir/QuestionnaireResponse')).send(responseTo('phq-9', fx.patients[2], [3, 3, 3, 3, 3, 3, 3, 3, 3], 'in-progress'));
    expect(draft.status).toBe(201);
    const other = await json(server.http.post('/fhir/QuestionnaireResponse')).send({ resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: 'http://example.org/Questionnaire/intake', subject: { reference: `Patient/${fx.patients[2]}` } });
    expect(other.status).toBe(201);
    expect(await countOf(server, 'Observation')).toBe(before);
    expect(await flagsOf(fx.patients[2])).toHaveLength(0);
  });
});

describe('inside a transaction Bundle', () => {
  const bundle = (...resources: object[]): Bundle => ({
    resourceType: 'Bundle', type: 'transaction',
    entry: resources.map((resource, i) => ({ fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${i}`, resource: resource as never, request: { method: 'POST', url: (resource as { resourceType: string }).resourceType } })),
  });

  test('a GAD-7 and a PHQ-9 in one transaction are both scored', async () => {
    const res = await json(server.http.post('/fhir')).send(bundle(
      responseTo('gad-7', fx.patients[2], [2, 2, 2, 2, 1, 1, 1]),
      responseTo('phq-9', fx.patients[2], [0, 0, 0, 0, 0, 0, 0, 0, 2]),
    ));
    expect(res.status).toBe(200);
    const [gad, phq] = (res.body as Bundle).entry!.map((e) => e.response!.location!.split('/')[1]);
    expect((await scoresOf(gad)).map((o) => o.valueInteger)).toEqual([11]);
    expect((await scoresOf(phq)).map((o) => o.valueInteger)).toEqual([2]);
    expect((await flagsOf(fx.patients[2])).map((f) => f.code?.coding?.[0].code)).toEqual(['phq9-item9-positive']);
  });

  test('a response the server cannot score refuses the whole transaction: nothing of it is stored', async () => {
    const counts = async () => Promise.all(['QuestionnaireResponse', 'Observation', 'Flag', 'Task', 'Condition'].map((t) => countOf(server, t)));
    const before = await counts();
    const unreadable = responseTo('phq-9', fx.patients[3], [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    unreadable.item![0].answer = [{ valueCoding: { system: 'http://loinc.org', code: 'LA-not-an-answer' } }];
    const condition = { resourceType: 'Condition', subject: { reference: `Patient/${fx.patients[3]}` }, code: { text: 'Major depressive disorder' } };
    const res = await json(server.http.post('/fhir')).send(bundle(responseTo('phq-9', fx.patients[3], [1, 1, 1, 1, 1, 1, 1, 1, 1]), condition, unreadable));
    expect(res.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  test('a scored response is rolled back with the transaction when another entry fails', async () => {
    const counts = async () => Promise.all(['QuestionnaireResponse', 'Observation', 'Flag', 'Task'].map((t) => countOf(server, t)));
    const before = await counts();
    const invalid = { resourceType: 'Observation', status: 'not-a-status', code: { text: 'x' } };
    const res = await json(server.http.post('/fhir')).send(bundle(responseTo('phq-9', fx.patients[3], [1, 1, 1, 1, 1, 1, 1, 1, 1]), invalid));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await counts()).toEqual(before);
  });
});
