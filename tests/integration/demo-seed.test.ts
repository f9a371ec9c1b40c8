import type { CarePlan, Claim, Composition, Flag } from '@medplum/fhirtypes';
import { seedDemoData } from '../../server/src/demo/seed-demo';
import { createDemoLogins, DEMO_LOGINS } from '../../server/src/demo/demo-logins';
import { checkLogin } from '../../server/src/auth/users';
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

test('every patient has a treatment plan (CarePlan) with its diagnosis and goal; plan reviews move the next review date', async () => {
  const plans = await searchResources<CarePlan>(server, 'CarePlan?category=http://iop-fhir.org/fhir/CodeSystem/care-plan-category|treatment-plan');
  expect(plans).toHaveLength(30);
  for (const plan of plans) {
    expect(plan.meta?.profile).toContain('http://iop-fhir.org/fhir/StructureDefinition/iop-treatment-plan');
    expect(plan.addresses?.[0].reference).toMatch(/^Condition\//);
    expect(plan.goal?.[0].reference).toMatch(/^Goal\//);
  }
  const nextReview = (plan: CarePlan) => plan.extension!.find((e) => e.url.endsWith('/next-review-date'))!.valueDate!;
  const reviewed = plans.filter((p) => nextReview(p) > new Date(new Date(p.period!.start!).getTime() + 31 * 86_400_000).toISOString().slice(0, 10));
  expect(reviewed.length).toBeGreaterThan(0); // $record-plan-review moved them on
  const outcomes = await server.http.get(`/fhir/Patient/${plans[0].subject.reference!.split('/')[1]}/$outcomes`).expect(200);
  expect(outcomes.body.parameter.some((p: { name: string }) => p.name === 'goal')).toBe(true);
});

function day(offset: number): string {
  return new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
}

describe('demo logins (README "Demo logins")', () => {
  const ids = async (username: string, path: string) => {
    const agent = await server.as('openid fhirUser user/*.rs', { username });
    const res = await agent.get(`/fhir/${path}`);
    expect(res.status).toBe(200);
    return (res.body.entry ?? []).filter((e: { search?: { mode?: string } }) => e.search?.mode === 'match').map((e: { resource: { id: string } }) => e.resource.id);
  };
  const demoId = async (type: string, key: string) => (await server.pool.query(
    `SELECT r.id FROM idx_token t JOIN resource r ON r.res_id = t.res_id WHERE t.resource_type = $1 AND t.param = 'identifier'
       AND t.system = 'http://iop-fhir.org/fhir/demo' AND t.code = $2`, [type, key])).rows[0].id as string;

  beforeAll(async () => {
    const ctx = { repo: createRepository(server.pool), baseUrl: server.baseUrl, requestId: 'test' };
    expect(await createDemoLogins(ctx, server.pool)).toEqual(DEMO_LOGINS.map((l) => l.username));
    expect(await createDemoLogins(ctx, server.pool)).toEqual([]); // a restart changes nothing
  });

  test('every documented password signs in', async () => {
    for (const login of DEMO_LOGINS) {
      const result = await checkLogin(server.pool, login.username, login.password, 5, 900);
      expect([login.username, result.ok]).toEqual([login.username, true]);
    }
    expect((await checkLogin(server.pool, 'maya', 'not-her-password', 5, 900)).ok).toBe(false);
  });

  test('clinicians reach only their programs\' patients; the patient and her husband only her', async () => {
    const adelina = await demoId('Patient', 'patient-01');
    const sudPatient = await demoId('Patient', 'patient-03'); // index 2: SUD IOP
    const maya = await ids('maya', 'Patient?_count=100');
    const hannah = await ids('hannah', 'Patient?_count=100');
    const leo = await ids('leo', 'Patient?_count=100');
    expect(maya).toContain(adelina);
    expect(maya).not.toContain(sudPatient);
    expect(maya.length).toBeLessThan(30);
    expect(hannah).toContain(sudPatient);
    expect(hannah).not.toContain(adelina);
    expect(leo).toHaveLength(30);
    expect(await ids('adelina', 'Patient')).toEqual([adelina]);
    expect(await ids('ramon', 'Patient')).toEqual([adelina]);
    const adminAgent = await server.as('openid fhirUser user/*.rs', { username: 'admin' });
    expect((await adminAgent.get('/fhir/AuditEvent?_count=1')).status).toBe(200);
  });
});
