/**
 * Issue 15's demo data (docs/engagement.md): the evening group meets by video from now on, medication lists (MOUD
 * labelled Part 2 in the SUD IOP), assigned reading, and the discharged patients' satisfaction surveys and closed
 * goals in the outcome report. Seeded at a fixed instant, so the file holds the same demo whenever it runs.
 */
import type { Appointment, Bundle, HealthcareService, MeasureReport, MedicationRequest, QuestionnaireResponse, Task } from '@medplum/fhirtypes';
import { demoCalendar } from '../../server/src/demo/demo-calendar';
import { startDemoServer } from '../support/demo-assertions';
import type { TestServer } from '../support/test-server';

const IOP = 'http://iop-fhir.org/fhir';
const VIRTUAL_SERVICE = `${IOP}/StructureDefinition/virtual-service`;
// A Wednesday evening, after the evening groups have started: a different clock from demo-seed.test.ts.
const now = new Date('2026-12-10T00:30:00Z');
let server: TestServer;

beforeAll(async () => {
  server = (await startDemoServer(now)).server;
}, 480_000);
afterAll(() => server?.close());

async function all<T>(query: string): Promise<T[]> {
  const res = await server.http.get(`/fhir/${query}${query.includes('?') ? '&' : '?'}_count=1000`);
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
}
const programId = async (name: string) => (await all<HealthcareService>('HealthcareService')).find((p) => p.name === name)!.id!;

test('the evening IOP meets by video from now on: its program and upcoming sessions carry the join link, past ones do not', async () => {
  const evening = await programId('Adult MH IOP – evening');
  const program = (await server.http.get(`/fhir/HealthcareService/${evening}`)).body as HealthcareService;
  expect(program.extension?.some((e) => e.url === VIRTUAL_SERVICE)).toBe(true);
  const appointments = await all<Appointment>(`Appointment?program=HealthcareService/${evening}`);
  const upcoming = appointments.filter((a) => Date.parse(a.start!) >= now.getTime());
  const past = appointments.filter((a) => Date.parse(a.end!) < now.getTime());
  expect(upcoming.length).toBeGreaterThan(0);
  expect(upcoming.every((a) => a.extension?.some((e) => e.url === VIRTUAL_SERVICE))).toBe(true);
  expect(past.some((a) => a.extension?.some((e) => e.url === VIRTUAL_SERVICE))).toBe(false);
  const morning = await programId('Adult MH IOP – morning');
  expect((await all<Appointment>(`Appointment?program=HealthcareService/${morning}`)).some((a) => a.extension?.some((e) => e.url === VIRTUAL_SERVICE))).toBe(false);
});

test('medication lists where plausible: complete prescriptions, naltrexone in the SUD IOP labelled 42 CFR Part 2', async () => {
  const prescriptions = await all<MedicationRequest>('MedicationRequest');
  expect(prescriptions.length).toBeGreaterThan(15);
  for (const p of prescriptions) expect(p.dosageInstruction?.[0]?.text && p.requester?.reference && p.authoredOn).toBeTruthy();
  const sud = await programId('SUD IOP (ASAM 2.1) – evening');
  const moud = prescriptions.filter((p) => p.extension?.some((e) => e.valueReference?.reference === `HealthcareService/${sud}`));
  expect(moud.length).toBeGreaterThan(0);
  for (const p of moud) {
    expect(p.medicationCodeableConcept?.coding?.[0].code).toBe('7243');
    expect(p.meta?.security?.map((s) => s.code)).toContain('42CFRPart2');
  }
  expect(prescriptions.filter((p) => !moud.includes(p)).some((p) => p.meta?.security?.some((s) => s.code === '42CFRPart2'))).toBe(false);
});

test('assigned reading: every patient still in a program has some, a few have read it', async () => {
  const tasks = await all<Task>(`Task?code=${IOP}/CodeSystem/patient-education|read-education`);
  expect(new Set(tasks.map((t) => t.for?.reference)).size).toBe(28); // 30 patients, 2 discharged
  const read = tasks.filter((t) => t.status === 'completed');
  expect(read.length).toBeGreaterThan(0);
  expect(read.every((t) => Date.parse(t.executionPeriod!.end!) < now.getTime())).toBe(true);
});

test('the discharged patients\' surveys and goals are in their programs\' outcome reports', async () => {
  expect((await all<QuestionnaireResponse>('QuestionnaireResponse')).filter((r) => r.questionnaire === `${IOP}/Questionnaire/mhsip-satisfaction`)).toHaveLength(2);
  const { daysAgo } = demoCalendar(now);
  const totals = { respondents: 0, satisfied: 0, goalsDue: 0, achieved: 0 };
  for (const program of await all<HealthcareService>('HealthcareService')) {
    const res = await server.http.get(`/fhir/HealthcareService/${program.id}/$outcome-report?start=${daysAgo(60)}&end=${daysAgo(0)}`);
    const reports = ((res.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport);
    const count = (id: string, code: string) => reports.find((r) => r.measure.endsWith(id))!.group![0].population!.find((p) => p.code?.coding?.[0].code === code)!.count!;
    totals.respondents += count('iop-satisfaction-rate', 'denominator');
    totals.satisfied += count('iop-satisfaction-rate', 'numerator');
    totals.goalsDue += count('iop-goal-attainment-rate', 'denominator');
    totals.achieved += count('iop-goal-attainment-rate', 'numerator');
  }
  // The PHP patient who stepped down keeps an open goal: a change of level of care does not make it due.
  expect(totals).toEqual({ respondents: 2, satisfied: 1, goalsDue: 2, achieved: 1 });
});
