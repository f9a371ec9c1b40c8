import { createDemoLogins, DEMO_LOGINS, DEMO_PAYER_SCOPES } from '../../server/src/demo/demo-logins';
import { checkLogin } from '../../server/src/auth/users';
import { createRepository } from '../../server/src/create-repository';
import { DEMO_CONTENT_CHECKS, describeClock, startDemoServer } from '../support/demo-assertions';
import { downloadAll, exportAs } from '../support/bulk-export-client';
import type { TestServer } from '../support/test-server';

// The clock of issue 17 (a Monday morning before the first group, the weekend behind it): a fixed instant, so
// this file holds the same demo whenever it runs; demo-clock-*.test.ts seed it at the other days and hours.
const now = new Date('2026-12-07T14:40:00Z');
let server: TestServer;
beforeAll(async () => {
  const seeded = await startDemoServer(now);
  server = seeded.server;
  expect(seeded.written).toBeGreaterThan(2000);
  // eslint-disable-next-line no-console
  console.log(`demo seeded as of ${describeClock(now)} in ${seeded.seconds.toFixed(1)} s`);
}, 480_000);
afterAll(() => server?.close());

test.each(DEMO_CONTENT_CHECKS)('$name', ({ check }) => check(server, now));

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

describe('42 CFR Part 2 in the demo (README, docs/part2.md)', () => {
  const claimCount = async (agent: Awaited<ReturnType<TestServer['as']>>, patientKey: string) => {
    const res = await agent.get(`/fhir/Claim?patient.identifier=http://iop-fhir.org/fhir/demo|${patientKey}&_summary=count`).expect(200);
    return res.body.total as number;
  };

  test('the health plan\'s client sees the SUD claims of patients who consented, not of the one who declined; the generic client sees none', async () => {
    const admin = await claimCount(server.http, 'patient-03');
    expect(admin).toBeGreaterThan(0);
    expect(await claimCount(server.http, 'patient-11')).toBeGreaterThan(0);
    const payer = await server.as(DEMO_PAYER_SCOPES, { clientId: 'demo-payer' });
    expect(await claimCount(payer, 'patient-03')).toBe(admin);
    expect(await claimCount(payer, 'patient-11')).toBe(0);
    const generic = await server.as('system/*.rs', { clientId: 'demo-backend' });
    expect(await claimCount(generic, 'patient-03')).toBe(0);
    // The plan reads what payment needs, not the clinical record: messages, notes and scores are refused.
    for (const type of ['Communication', 'QuestionnaireResponse', 'Observation', 'DocumentReference', 'MedicationRequest']) {
      const refused = await payer.get(`/fhir/${type}?_summary=count`);
      expect([type, refused.status, refused.body.resourceType]).toEqual([type, 403, 'OperationOutcome']);
    }
    const read = await payer.get('/fhir/Claim?patient.identifier=http://iop-fhir.org/fhir/demo|patient-03&_count=1').expect(200);
    expect(read.body.entry[0].resource.meta.security.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['42CFRPart2', 'NORDSCLCD']));
    // The mental-health programs' claims are not Part 2 information: the generic client sees them.
    expect(await claimCount(generic, 'patient-02')).toBeGreaterThan(0);
    // The SUD IOP patients' scores, goals and plans are Part 2 information too, not only their notes and claims.
    for (const type of ['Observation', 'Goal', 'CarePlan', 'QuestionnaireResponse', 'EpisodeOfCare']) {
      const all = (await server.http.get(`/fhir/${type}?patient.identifier=http://iop-fhir.org/fhir/demo|patient-03&_summary=count`).expect(200)).body.total;
      const seen = (await generic.get(`/fhir/${type}?patient.identifier=http://iop-fhir.org/fhir/demo|patient-03&_summary=count`).expect(200)).body.total;
      expect([type, all > 0, seen]).toEqual([type, true, 0]);
    }
  });

  test('the SUD counselor reads her program\'s records without a consent; the morning therapist does not see them', async () => {
    const hannah = await server.as('openid fhirUser user/*.rs', { username: 'hannah' });
    const maya = await server.as('openid fhirUser user/*.rs', { username: 'maya' });
    expect(await claimCount(hannah, 'patient-03')).toBeGreaterThan(0);
    expect(await claimCount(maya, 'patient-03')).toBe(0);
  });
});

describe('exchange with the demo data (docs/bulk-data.md)', () => {
  // The payer's client comes with the demo logins (idempotent: nothing new if the tests above made them).
  beforeAll(() => createDemoLogins({ repo: createRepository(server.pool), baseUrl: server.baseUrl, requestId: 'test' }, server.pool));

  test("the payer's attribution Groups export out of the box: their members' Patients and Coverages", async () => {
    const payer = await server.as(DEMO_PAYER_SCOPES, { clientId: 'demo-payer' });
    const groups = (await payer.get('/fhir/Group?code=http://iop-fhir.org/fhir/CodeSystem/payer-class|medicaid').expect(200)).body;
    expect(groups.entry).toHaveLength(1);
    const group = groups.entry[0].resource as { id: string; member: { entity: { reference: string } }[] };
    const manifest = await exportAs(payer, `/fhir/Group/${group.id}/$export?_type=Patient,Coverage`);
    const exported = await downloadAll(payer, manifest);
    const members = group.member.map((m) => m.entity.reference.replace(/^.*Patient\//, '')).sort();
    expect(exported.filter((r) => r.resourceType === 'Patient').map((r) => r.id).sort()).toEqual(members);
    expect(exported.filter((r) => r.resourceType === 'Coverage')).toHaveLength(members.length);
  });

  test("a demo patient's $summary holds their diagnosis, scores, plan and episode, and validates", async () => {
    const patient = (await server.http.get('/fhir/Patient?identifier=http://iop-fhir.org/fhir/demo|patient-02').expect(200)).body.entry[0].resource;
    const summary = (await server.http.get(`/fhir/Patient/${patient.id}/$summary`).expect(200)).body as { entry: { resource: { resourceType: string; section?: { code: { coding: { code: string }[] }; entry?: unknown[] }[] } }[] };
    const sections = summary.entry[0].resource.section!;
    for (const code of ['11450-4', '30954-2', '18776-5', 'program-episodes', '85847-2']) {
      expect(sections.find((s) => s.code.coding[0].code === code)!.entry!.length).toBeGreaterThan(0);
    }
    const outcome = (await server.http.post('/fhir/Bundle/$validate').send(summary).expect(200)).body as { issue: { severity: string; diagnostics?: string }[] };
    expect(outcome.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
  });
});
