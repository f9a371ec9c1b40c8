/**
 * $outcome-report?groupBy=clinician (issue 16, outcomes by clinician): after the program's eight MeasureReports, the
 * same eight for each care manager (EpisodeOfCare.careManager) over their own episodes, with the clinician as subject,
 * by name; episodes without a care manager count only in the program's totals; any other groupBy is refused.
 */
import type { Bundle, MeasureReport, QuestionnaireResponse } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';
import { createFixture, dayFromToday, enroll, Fixture, instantFromNow, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
const PHQ9 = JSON.parse(readFileSync(path.join(__dirname, '../../profiles/questionnaires/Questionnaire-phq-9.json'), 'utf8'));

/** A PHQ-9 whose nine items add up to `total` (each item 0–3). */
function phq9(patientId: string, total: number, daysAgo: number): QuestionnaireResponse {
  const items = PHQ9.item.filter((i: { type: string; required?: boolean }) => i.type === 'choice' && i.required);
  const values = items.map((_: unknown, i: number) => Math.max(0, Math.min(3, total - 3 * i)));
  return {
    resourceType: 'QuestionnaireResponse', questionnaire: PHQ9.url, status: 'completed', subject: { reference: `Patient/${patientId}` },
    authored: instantFromNow(-daysAgo).toISOString(),
    item: items.map((item: { linkId: string; answerOption: { valueCoding: object }[] }, i: number) => ({ linkId: item.linkId, answer: [{ valueCoding: item.answerOption[values[i]].valueCoding }] })),
  };
}

async function scorePhq9(patientId: string, total: number, daysAgo: number): Promise<void> {
  const res = await server.http.post('/fhir/QuestionnaireResponse/$score').set('Content-Type', 'application/fhir+json').send(phq9(patientId, total, daysAgo));
  expect(res.status).toBe(201);
}


beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 4 });
  const [first, second] = fx.practitioners;
  // First clinician: one patient responds (19 → 3), one does not (19 → 18). Second: one responds (20 → 8).
  // The fourth patient has no care manager and responds too (18 → 4).
  const plan: [string, string | undefined, number, number][] = [
    [fx.patients[0], first, 19, 3], [fx.patients[1], first, 19, 18], [fx.patients[2], second, 20, 8], [fx.patients[3], undefined, 18, 4],
  ];
  for (const [patient, manager, baseline, latest] of plan) {
    const careManager = manager ? [{ name: 'careManager', valueReference: { reference: `Practitioner/${manager}` } }] : [];
    expect((await enroll(server, fx.programs.php, patient, dayFromToday(-40), careManager)).status).toBe(201);
    await scorePhq9(patient, baseline, 30);
    await scorePhq9(patient, latest, 5);
  }
}, 60_000);
afterAll(() => server.close());

async function outcomeReport(query: string): Promise<MeasureReport[]> {
  const res = await server.http.get(`/fhir/HealthcareService/${fx.programs.php}/$outcome-report?start=${dayFromToday(-40)}&end=${dayFromToday(0)}${query}`);
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport);
}

const counts = (r: MeasureReport) => Object.fromEntries(r.group![0].population!.map((p) => [p.code!.coding![0].code, p.count]));
const measureOf = (r: MeasureReport) => r.measure.split('/').pop();

test('the program\'s report alone has no subject, and it is the first part of the grouped one', async () => {
  const plain = await outcomeReport('');
  expect(plain).toHaveLength(8);
  expect(plain.every((r) => r.subject === undefined)).toBe(true);
  const grouped = await outcomeReport('&groupBy=clinician');
  expect(grouped.slice(0, 8).map((r) => [measureOf(r), counts(r)])).toEqual(plain.map((r) => [measureOf(r), counts(r)]));
  const response = plain.find((r) => measureOf(r) === 'iop-response-rate')!;
  expect(counts(response)).toEqual({ 'initial-population': 4, denominator: 4, numerator: 3 });
});

test('each care manager gets the eight measures over their own episodes, named, in name order', async () => {
  const grouped = await outcomeReport('&groupBy=clinician');
  expect(grouped).toHaveLength(24);
  const byClinician = grouped.slice(8);
  expect(byClinician.map((r) => r.subject?.reference)).toEqual([
    ...Array(8).fill(`Practitioner/${fx.practitioners[0]}`), ...Array(8).fill(`Practitioner/${fx.practitioners[1]}`),
  ]);
  expect(byClinician[0].subject?.display).toBe('Tess Therapistpr1');
  expect(byClinician[8].subject?.display).toBe('Tess Therapistpr2');
  const response = (practitioner: string) => byClinician.find((r) => r.subject?.reference === `Practitioner/${practitioner}` && measureOf(r) === 'iop-response-rate')!;
  expect(counts(response(fx.practitioners[0]))).toEqual({ 'initial-population': 2, denominator: 2, numerator: 1 });
  expect(response(fx.practitioners[0]).group![0].measureScore?.value).toBe(0.5);
  expect(counts(response(fx.practitioners[1]))).toEqual({ 'initial-population': 1, denominator: 1, numerator: 1 });
  // Nobody is reported without a care manager: that patient is in the program's totals only.
  expect(grouped.filter((r) => r.subject === undefined)).toHaveLength(8);
});

test('any other groupBy is a 400 naming the one it takes', async () => {
  const refused = await server.http.get(`/fhir/HealthcareService/${fx.programs.php}/$outcome-report?start=${dayFromToday(-40)}&end=${dayFromToday(0)}&groupBy=program`);
  expect(refused.status).toBe(400);
  expect(refused.body.issue[0].diagnostics).toMatch(/groupBy must be clinician/);
});
