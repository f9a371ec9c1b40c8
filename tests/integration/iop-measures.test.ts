import type { Bundle, Flag, MeasureReport, Observation, Parameters, Questionnaire, QuestionnaireResponse, Task } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';
import {
  countOf, createFixture, dayFromToday, enroll, Fixture, IOP, output, searchResources, warnings,
  instantFromNow, TEST_NOW, testClock,
} from './iop-fixtures';

let server: TestServer;
let fx: Fixture;

const questionnaire = (name: string) => JSON.parse(readFileSync(path.join(__dirname, `../../profiles/questionnaires/Questionnaire-${name}.json`), 'utf8')) as Questionnaire;

/** A response to the instrument with these item values (undefined = unanswered), answers copied from the Questionnaire. */
function responseTo(name: string, patientId: string, values: (number | undefined)[], authored = TEST_NOW.toISOString()): QuestionnaireResponse {
  const q = questionnaire(name);
  const scored = (q.item ?? []).filter((i) => i.type === 'choice' && (i.required || name !== 'phq-9'));
  return {
    resourceType: 'QuestionnaireResponse', questionnaire: q.url, status: 'completed', subject: { reference: `Patient/${patientId}` }, authored,
    item: scored.flatMap((item, i) => (values[i] === undefined ? [] : [{ linkId: item.linkId, answer: [{ valueCoding: item.answerOption![values[i]!].valueCoding }] }])),
  };
}

const score = (body: QuestionnaireResponse) => server.http.post('/fhir/QuestionnaireResponse/$score').set('Content-Type', 'application/fhir+json').send(body);

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 4 });
  for (const patient of fx.patients.slice(0, 3)) expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-40), [{ name: 'careManager', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }])).status).toBe(201);
});
afterAll(() => server.close());

describe('$score', () => {
  test('a completed PHQ-9 is stored and scored: total, severity band, Observation derived from it', async () => {
    const res = await score(responseTo('phq-9', fx.patients[0], [2, 2, 2, 2, 2, 2, 1, 1, 0]));
    expect(res.status).toBe(201);
    expect(output(res.body, 'total')!.valueInteger).toBe(14);
    expect(output(res.body, 'severity')!.valueCode).toBe('moderate');
    const observation = output(res.body, 'score')!.resource as Observation;
    expect(observation.valueInteger).toBe(14);
    expect(observation.code.coding?.[0].code).toBe('44261-6');
    expect(observation.interpretation?.[0].coding?.[0]).toEqual({ system: `${IOP}/CodeSystem/score-severity`, code: 'moderate' });
    expect(observation.derivedFrom?.[0].reference).toBe(output(res.body, 'response')!.valueReference!.reference);
    expect(observation.meta?.profile).toContain(`${IOP}/StructureDefinition/iop-score-observation`);
    expect(output(res.body, 'flag')).toBeUndefined();
    // Scoring the stored response again finds the same Observation.
    const before = await countOf(server, 'Observation');
    const again = await server.http.post(`/fhir/${output(res.body, 'response')!.valueReference!.reference}/$score`).send();
    expect(again.status).toBe(200);
    expect((output(again.body, 'score')!.resource as Observation).id).toBe(observation.id);
    expect(await countOf(server, 'Observation')).toBe(before);
  });

  test('PHQ-9 item 9 ≥ 1 raises a high-priority risk Flag and a same-day Task, whatever the total', async () => {
    const res = await score(responseTo('phq-9', fx.patients[1], [0, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(output(res.body, 'total')!.valueInteger).toBe(1);
    const flag = (await server.http.get(`/fhir/${output(res.body, 'flag')!.valueReference!.reference}`)).body as Flag;
    expect(flag.code?.coding?.[0].code).toBe('phq9-item9-positive');
    expect(flag.category?.[0].coding?.[0].code).toBe('safety');
    expect(JSON.stringify(flag.extension)).toContain(output(res.body, 'response')!.valueReference!.reference!);
    const task = (await server.http.get(`/fhir/${output(res.body, 'task')!.valueReference!.reference}`)).body as Task;
    expect(task.priority).toBe('asap');
    expect(task.code?.coding?.[0].code).toBe('suicide-risk-assessment');
    expect(task.owner?.reference).toBe(`Practitioner/${fx.practitioners[0]}`);
    const due = new Date(task.restriction!.period!.end!).getTime();
    expect(due).toBeGreaterThan(TEST_NOW.getTime());
    expect(due - TEST_NOW.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
  });

  test('missing items: two are prorated, three are not scored (stated, not silent); an unanswered item 9 asks for it today', async () => {
    const prorated = await score(responseTo('phq-9', fx.patients[2], [3, 3, 3, undefined, 3, 3, 3, undefined, 0]));
    expect(output(prorated.body, 'prorated')!.valueBoolean).toBe(true);
    expect(output(prorated.body, 'total')!.valueInteger).toBe(23); // 18 × 9 / 7 = 23.1
    expect((output(prorated.body, 'score')!.resource as Observation).note?.[0].text).toMatch(/Prorated from 7 of 9 items/);
    const observations = await countOf(server, 'Observation');
    const unscorable = await score(responseTo('phq-9', fx.patients[2], [3, 3, undefined, undefined, undefined, 3, 3, 3]));
    expect(unscorable.status).toBe(201);
    expect(output(unscorable.body, 'score')).toBeUndefined();
    expect(warnings(unscorable.body).join(' ')).toMatch(/PHQ-9 not scored: 4 of 9 items unanswered; at most 2 may be missing.*Missing items: the total is prorated/);
    expect(await countOf(server, 'Observation')).toBe(observations);
    const task = (await server.http.get(`/fhir/${output(unscorable.body, 'task')!.valueReference!.reference}`)).body as Task;
    expect(task.code?.coding?.[0].code).toBe('complete-phq9-item9');
  });

  test('GAD-7, PCL-5 and AUDIT-C (cut-point by sex) are scored too', async () => {
    const gad = await score(responseTo('gad-7', fx.patients[0], [0, 1, 0, 1, 0, 0, 1]));
    expect(output(gad.body, 'total')!.valueInteger).toBe(3);
    expect((output(gad.body, 'score')!.resource as Observation).interpretation?.[0].coding?.[0].code).toBe('none-minimal');
    const pcl = await score(responseTo('pcl-5', fx.patients[0], Array.from({ length: 20 }, () => 2)));
    expect(output(pcl.body, 'total')!.valueInteger).toBe(40);
    expect((output(pcl.body, 'score')!.resource as Observation).interpretation?.[0].coding?.[0].code).toBe('positive-screen');
    // Patient 1 is male (fixture): 3 points is below the men's cut-point of 4; patient 0 is female: positive.
    const male = await score(responseTo('audit-c', fx.patients[1], [1, 1, 1]));
    expect(output(male.body, 'severity')!.valueCode).toBe('negative');
    const female = await score(responseTo('audit-c', fx.patients[0], [1, 1, 1]));
    expect(output(female.body, 'severity')!.valueCode).toBe('positive');
  });

  test('refusals: not completed, not an instrument, an unreadable answer (nothing stored)', async () => {
    const responses = await countOf(server, 'QuestionnaireResponse');
    expect((await score({ ...responseTo('phq-9', fx.patients[0], [0, 0, 0, 0, 0, 0, 0, 0, 0]), status: 'in-progress' })).status).toBe(422);
    expect((await score({ ...responseTo('phq-9', fx.patients[0], [0]), questionnaire: `${IOP}/Questionnaire/group-session-note` })).status).toBe(422);
    const bad = responseTo('phq-9', fx.patients[0], [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    bad.item![0].answer = [{ valueCoding: { system: 'http://loinc.org', code: 'LA0000-0' } }];
    const res = await score(bad);
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/answer not recognised/);
    expect(await countOf(server, 'QuestionnaireResponse')).toBe(responses);
  });
});

describe('$outcomes and $outcome-report', () => {
  beforeAll(async () => {
    const patient = fx.patients[3];
    expect((await enroll(server, fx.programs.php, patient, dayFromToday(-40))).status).toBe(201);
    for (const [days, values] of [[-35, [3, 3, 3, 2, 2, 2, 2, 2, 0]], [-20, [1, 1, 1, 1, 1, 1, 1, 1, 0]], [-5, [1, 1, 0, 1, 0, 0, 0, 0, 0]]] as const) {
      expect((await score(responseTo('phq-9', patient, [...values], instantFromNow(days).toISOString()))).status).toBe(201);
    }
    const goal = {
      resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'PHQ-9 below 10' }, subject: { reference: `Patient/${patient}` },
      target: [{ measure: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] }, detailQuantity: { value: 10, comparator: '<' }, dueDate: dayFromToday(30) }],
    };
    expect((await server.http.post('/fhir/Goal').set('Content-Type', 'application/fhir+json').send(goal)).status).toBe(201);
  });

  test('per patient: baseline, latest, change, response, remission, reliable change, goal achievement', async () => {
    const res = await server.http.get(`/fhir/Patient/${fx.patients[3]}/$outcomes`);
    expect(res.status).toBe(200);
    const phq = (res.body as Parameters).parameter!.find((p) => p.name === 'instrument' && p.part![0].valueCode === 'phq-9')!;
    const value = (name: string) => phq.part!.find((p) => p.name === name)!;
    expect(value('measurementCount').valueInteger).toBe(3);
    expect(value('baseline').part![0].valueInteger).toBe(19);
    expect(value('latest').part![0].valueInteger).toBe(3);
    expect(value('change').valueInteger).toBe(-16);
    expect(value('response').valueBoolean).toBe(true);
    expect(value('remission').valueBoolean).toBe(true);
    expect(value('reliableChange').valueCode).toBe('improved');
    const goal = output(res.body, 'goal')!;
    expect(goal.part!.find((p) => p.name === 'status')!.valueCode).toBe('met');
    expect(goal.part!.find((p) => p.name === 'achievement')!.valueCode).toBe('achieved');
  });

  test('per program: MeasureReports with numerators and denominators; the period is required', async () => {
    const res = await server.http.get(`/fhir/HealthcareService/${fx.programs.php}/$outcome-report?start=${dayFromToday(-40)}&end=${dayFromToday(0)}`);
    expect(res.status).toBe(200);
    const reports = ((res.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport);
    expect(reports.map((r) => r.measure.split('/').pop())).toEqual(['iop-measurement-rate', 'iop-response-rate', 'iop-remission-rate', 'iop-attendance-rate', 'iop-completion-rate', 'iop-step-down-rate', 'iop-satisfaction-rate', 'iop-goal-attainment-rate']);
    const counts = (r: MeasureReport) => Object.fromEntries(r.group![0].population!.map((p) => [p.code!.coding![0].code, p.count]));
    expect(counts(reports[0])).toEqual({ 'initial-population': 1, denominator: 1, numerator: 1 });
    expect(counts(reports[1])).toEqual({ 'initial-population': 1, denominator: 1, numerator: 1 });
    expect(reports[1].group![0].measureScore?.value).toBe(1);
    expect(reports[3].group![0].measureScore).toBeUndefined(); // no sessions held: no rate
    expect((await server.http.get(`/fhir/HealthcareService/${fx.programs.php}/$outcome-report`)).status).toBe(400);
    expect((await server.http.get(`/fhir/HealthcareService/${fx.programs.php}/$outcome-report?start=${dayFromToday(0)}&end=${dayFromToday(-1)}`)).status).toBe(400);
  });
});

export type { Bundle };
