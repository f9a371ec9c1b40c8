/**
 * Satisfaction and goal attainment in $outcome-report (issue 15 item 4): MHSIP surveys answered during an episode
 * or within 30 days after it count (latest per episode, positive when general satisfaction averages below 2.5);
 * goals achieved / goals due, a discharge making the episode's open goals due.
 */
import type { Bundle, EpisodeOfCare, MeasureReport, QuestionnaireResponse } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import { createFixture, dayFromToday, enroll, Fixture, IOP, searchResources, TEST_NOW, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');
const AGREEMENT = ['strongly-agree', 'agree', 'neutral', 'disagree', 'strongly-disagree'];

function survey(patient: string, general: [number, number, number], daysAgo: number): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse', questionnaire: `${IOP}/Questionnaire/mhsip-satisfaction`, status: 'completed',
    subject: { reference: `Patient/${patient}` }, authored: new Date(TEST_NOW.getTime() - daysAgo * 86_400_000).toISOString(),
    item: general.map((value, i) => ({ linkId: `mhsip-${i + 1}`, answer: [{ valueCoding: { system: `${IOP}/CodeSystem/patient-experience`, code: AGREEMENT[value - 1] } }] })),
  };
}

function goal(patient: string, due: string, achievement?: string) {
  return {
    resourceType: 'Goal', lifecycleStatus: achievement === 'achieved' ? 'completed' : 'active', subject: { reference: `Patient/${patient}` },
    description: { text: 'PHQ-9 below 10' }, startDate: dayFromToday(-30),
    ...(achievement ? { achievementStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: achievement }] } } : {}),
    target: [{ measure: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] }, detailQuantity: { value: 10, comparator: '<' }, dueDate: due }],
  };
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 4 });
  const [ana, ben, cara, dev] = fx.patients;
  for (const patient of fx.patients) expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-30))).status).toBe(201);
  // Ben and Cara were discharged five days ago; Ana and Dev are still in the program.
  for (const patient of [ben, cara]) {
    const [episode] = await searchResources<EpisodeOfCare>(server, `EpisodeOfCare?patient=Patient/${patient}`);
    expect((await json(server.http.put(`/fhir/EpisodeOfCare/${episode.id}`)).send({
      ...episode, status: 'finished', period: { ...episode.period, end: dayFromToday(-5) },
      extension: [...(episode.extension ?? []), { url: `${IOP}/StructureDefinition/discharge-reason`, valueCodeableConcept: { coding: [{ system: `${IOP}/CodeSystem/discharge-reason`, code: 'completed' }] } }],
    })).status).toBe(200);
  }
  for (const response of [
    survey(ben, [1, 2, 2], 3), // positive (1.67)
    survey(cara, [1, 1, 1], 4), survey(cara, [4, 3, 3], 2), // the latest counts: negative (3.33)
    survey(dev, [2, 2, 2], 60), // before the enrollment: not this program's
  ]) expect((await json(server.http.post('/fhir/QuestionnaireResponse')).send(response)).status).toBe(201);
  for (const g of [
    goal(ana, dayFromToday(-2), 'achieved'), goal(ana, dayFromToday(-1), 'not-achieved'), goal(dev, dayFromToday(20)),
    goal(ben, dayFromToday(30), 'achieved'), goal(cara, dayFromToday(30)), // due at their discharge
  ]) expect((await json(server.http.post('/fhir/Goal')).send(g)).status).toBe(201);
});
afterAll(() => server.close());

async function reports(query = ''): Promise<Map<string, MeasureReport>> {
  const res = await server.http.get(`/fhir/HealthcareService/${fx.programs.iop}/$outcome-report?start=${dayFromToday(-40)}&end=${dayFromToday(0)}${query}`);
  expect(res.status).toBe(200);
  return new Map(((res.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport).filter((r) => !r.subject).map((r) => [r.measure.split('/').pop()!, r]));
}
const counts = (r: MeasureReport) => Object.fromEntries(r.group![0].population!.map((p) => [p.code!.coding![0].code, p.count]));

test('satisfaction: the latest survey per episode, answered during it or within 30 days after; positive below 2.5', async () => {
  const satisfaction = (await reports()).get('iop-satisfaction-rate')!;
  expect(counts(satisfaction)).toEqual({ 'initial-population': 4, denominator: 2, numerator: 1 });
  expect(satisfaction.group![0].measureScore?.value).toBe(0.5);
});

test('goal attainment: goals achieved of goals due, a discharge making open goals due', async () => {
  const goals = (await reports()).get('iop-goal-attainment-rate')!;
  expect(counts(goals)).toEqual({ 'initial-population': 4, denominator: 4, numerator: 2 });
  const earlier = await server.http.get(`/fhir/HealthcareService/${fx.programs.iop}/$outcome-report?start=${dayFromToday(-40)}&end=${dayFromToday(-10)}`);
  const none = ((earlier.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport).find((r) => r.measure.endsWith('iop-goal-attainment-rate'))!;
  expect(counts(none)).toMatchObject({ denominator: 0, numerator: 0 });
  expect(none.group![0].measureScore).toBeUndefined();
});

test('surveys offered at intervals during treatment count for their episode, the latest in the period (definition unchanged)', async () => {
  const ana = fx.patients[0];
  // Ana, still in the program, answered an interval survey ten days ago (negative) and another yesterday (positive).
  for (const response of [survey(ana, [4, 4, 4], 10), survey(ana, [1, 1, 2], 1)]) {
    expect((await json(server.http.post('/fhir/QuestionnaireResponse')).send(response)).status).toBe(201);
  }
  expect(counts((await reports()).get('iop-satisfaction-rate')!)).toEqual({ 'initial-population': 4, denominator: 3, numerator: 2 });
  const earlier = await server.http.get(`/fhir/HealthcareService/${fx.programs.iop}/$outcome-report?start=${dayFromToday(-40)}&end=${dayFromToday(-5)}`);
  const satisfaction = ((earlier.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport).find((r) => !r.subject && r.measure.endsWith('iop-satisfaction-rate'))!;
  // Until five days ago only Ana's negative survey had been answered: it is her episode's latest in that period.
  expect(counts(satisfaction)).toEqual({ 'initial-population': 4, denominator: 1, numerator: 0 });
});
