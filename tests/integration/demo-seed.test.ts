import type { Claim, Composition, Flag } from '@medplum/fhirtypes';
import { seedDemoData } from '../../server/src/demo/seed-demo';
import { createRepository } from '../../server/src/create-repository';
import { startTestServer, TestServer } from '../support/test-server';
import { searchResources } from './iop-fixtures';

let server: TestServer;
let seconds: number;
const now = new Date();
beforeAll(async () => {
  server = await startTestServer();
  const ctx = { repo: createRepository(server.pool), baseUrl: server.baseUrl, requestId: 'test' };
  const started = Date.now();
  const written = await seedDemoData(ctx, now);
  seconds = (Date.now() - started) / 1000;
  expect(written).toBeGreaterThan(2000);
  expect(await seedDemoData(ctx, now)).toBe(0);
}, 480_000);
afterAll(() => server.close());

const count = async (type: string) => (await server.pool.query('SELECT count(*)::int AS n FROM resource WHERE resource_type = $1', [type])).rows[0].n;

test('the demo organisation is built once, through the operations', async () => {
  // eslint-disable-next-line no-console
  console.log(`demo seeded in ${seconds.toFixed(1)} s`);
  expect(await count('Patient')).toBe(30);
  expect(await count('HealthcareService')).toBe(4);
  expect(await count('Location')).toBe(2);
  expect(await count('EpisodeOfCare')).toBe(31); // one step-down opened a second enrollment
  expect(await count('Appointment')).toBeGreaterThan(300);
  expect(await count('Encounter')).toBeGreaterThan(200);
  expect(await count('Provenance')).toBeGreaterThan(150);
  const step = await searchResources(server, 'EpisodeOfCare?admission-type=http://iop-fhir.org/fhir/CodeSystem/admission-type|step-down');
  expect(step).toHaveLength(1);
});

test('a month of sessions with attendance, signed notes (and drafts for the last days), claims', async () => {
  const signed = await searchResources<Composition>(server, 'Composition?status=final');
  const drafts = await searchResources<Composition>(server, 'Composition?status=preliminary');
  expect(signed.length).toBeGreaterThan(150);
  expect(drafts.length).toBeGreaterThan(5);
  expect(signed.every((n) => !JSON.stringify(n.section).includes('gave feedback to ') || JSON.stringify(n.section).includes('[another group member]'))).toBe(true);
  const claims = await searchResources<Claim>(server, 'Claim');
  const codes = new Set(claims.flatMap((c) => c.item ?? []).map((i) => i.productOrService.coding?.[0].code));
  expect([...codes].sort()).toEqual(expect.arrayContaining(['G0410', 'H0015', 'S9480']));
  const [program] = await searchResources(server, 'HealthcareService?name:contains=morning');
  const attendance = await server.http.get(`/fhir/HealthcareService/${program.id}/$attendance?start=${day(-28)}&end=${day(0)}`);
  expect(attendance.status).toBe(200);
  expect(attendance.body.parameter.filter((p: { name: string }) => p.name === 'patient').length).toBeGreaterThan(5);
});

test('PHQ-9/GAD-7 series scored by the server, with the risk and missed-session flags they raise', async () => {
  expect((await searchResources(server, 'Observation?code=http://loinc.org|44261-6')).length).toBeGreaterThan(90);
  expect((await searchResources(server, 'Observation?code=http://loinc.org|70274-6')).length).toBeGreaterThan(20);
  const flags = await searchResources<Flag>(server, 'Flag');
  const codes = flags.filter((f) => f.status === 'active').map((f) => f.code?.coding?.[0].code);
  expect(codes).toEqual(expect.arrayContaining(['phq9-item9-positive', 'consecutive-no-shows']));
  expect((await searchResources(server, 'Task?status=requested')).length).toBeGreaterThan(2);
});

function day(offset: number): string {
  return new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
}
