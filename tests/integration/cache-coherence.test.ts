/**
 * Two server processes on one database behave as one: process A is this test's server, process B a real server
 * process started on the same database (`server/src/main.ts`, WORKERS=1). What one process changes through its
 * caches' notifications takes effect on the other within one second (polled, never slept): a PUT of a billing
 * ConceptMap, a new SearchParameter (searched, indexed, listed in the CapabilityStatement), a revoked token, a
 * disabled client, a PractitionerRole written or deactivated (what its practitioner reaches), a disabled user. A revoked token passes on the other
 * process at most until the notification arrives there, never after, and never on the revoking process. A lost
 * listening connection (its backend terminated) is followed by a full reload: what changed meanwhile without a
 * notification is picked up.
 */
import type { Claim, ConceptMap, Parameters, SearchParameter } from '@medplum/fhirtypes';
import request from 'supertest';
import { readShippedConceptMaps } from '../support/billing-maps-from-files';
import { createUser } from '../../server/src/auth/users';
import { mintToken, TEST_APP_CLIENT } from '../support/auth-tokens';
import { jwksOf, makeKey } from '../support/auth-keys';
import { startServerProcess, stopLeftoverServerProcesses, type ServerProcess } from '../support/server-process';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';
import { createFixture, dayFromToday, enroll, IOP, invoke, output, outputs, params, schedule, searchResources } from './iop-fixtures';

jest.setTimeout(300_000); // process B starts the way `npm start` does, on a machine shared with other tests

/** The bound this file holds both processes to: a change made on one is in effect on the other within it. */
const BOUND_MS = 1_000;

let a: TestServer;
let b: ServerProcess;
let adminToken: string;

beforeAll(async () => {
  a = await startTestServer();
  adminToken = await mintToken(a.app, 'system/*.cruds');
  const databaseUrl = a.pool.options.connectionString!;
  // Same public origin as A, so tokens minted here (audience ${TEST_BASE_URL}/fhir) are B's tokens too.
  b = await startServerProcess({ DATABASE_URL: databaseUrl, BASE_URL: TEST_BASE_URL, AUTH: '', DEMO: '0', WORKERS: '1' }, { compiled: false });
});

afterAll(async () => {
  if (b && b.child.exitCode === null) {
    b.child.kill('SIGTERM');
    await b.exited();
  }
  await stopLeftoverServerProcesses(); // B, if its start failed before it was assigned
  await a.close();
});

/** B over HTTP with a bearer token. */
function onB(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${b.origin}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json', ...init.headers } });
}

/** Polls `check` until it holds, for at most `ms`; resolves with the time it took, or rejects with the last state. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not in effect within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const FHIR_JSON = 'application/fhir+json';

test('a PUT of a billing ConceptMap on A changes the next claim on B', async () => {
  const fx = await createFixture(a, { patients: 1, payerClasses: ['commercial'] });
  const patient = fx.patients[0];
  expect((await enroll(a, fx.programs.iop, patient, dayFromToday(-30))).status).toBe(201);
  const day = dayFromToday(-1);
  const scheduled = await schedule(a, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: day, to: day, facilitators: [fx.practitioners[0]] });
  const sessionId = output(scheduled.body, 'session')!.valueReference!.reference!.split('/')[1];
  const recorded = await invoke(a, `Appointment/${sessionId}/$record-attendance`, params({ name: 'participant', part: [
    { name: 'patient', valueReference: { reference: `Patient/${patient}` } }, { name: 'status', valueCode: 'present' }] }));
  const encounter = output(recorded.body, 'sessionEncounter')!.valueReference!.reference!;
  const documented = await invoke(a, `${encounter}/$document-group-session`, params(
    { name: 'shared', part: [{ name: 'topic', valueString: 'Relapse prevention' }, { name: 'summary', valueString: 'Coping plans.' },
      { name: 'modality', valueCoding: { system: `${IOP}/CodeSystem/therapy-modality`, code: 'cbt' } }, { name: 'interventions', valueString: 'Review' }] },
    { name: 'member', part: [{ name: 'patient', valueReference: { reference: `Patient/${patient}` } },
      { name: 'participation', valueCoding: { system: `${IOP}/CodeSystem/group-participation`, code: 'engaged' } },
      { name: 'response', valueCoding: { system: `${IOP}/CodeSystem/intervention-response`, code: 'receptive' } }] },
  ));
  expect(documented.status).toBe(200);
  const note = outputs(documented.body, 'note')[0].part![1].valueReference!.reference!;

  const map: ConceptMap = JSON.parse(JSON.stringify(readShippedConceptMaps().find((m) => m.id === 'program-to-per-diem-code')));
  map.group![0].element!.find((e) => e.code === 'mh-iop')!.target = [{ code: 'H0015', equivalence: 'equivalent' }];
  const translate = `/fhir/ConceptMap/$translate?url=${encodeURIComponent(map.url!)}&system=${encodeURIComponent(map.group![0].source!)}&code=mh-iop`;
  const mappedOnB = async () => ((await (await onB(translate, adminToken)).json()) as Parameters).parameter
    ?.find((p) => p.name === 'match')?.part?.find((p) => p.name === 'concept')?.valueCoding?.code;
  expect(await mappedOnB()).toBe('S9480');

  expect((await a.http.put('/fhir/ConceptMap/program-to-per-diem-code').set('Content-Type', FHIR_JSON).send(map)).status).toBe(200);
  await within(BOUND_MS, async () => (await mappedOnB()) === 'H0015');
  // The claim is built on B, from B's billing tables.
  const signed = await onB(`/fhir/${note}/$sign`, adminToken, { method: 'POST', body: JSON.stringify(params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } })) });
  expect(signed.status).toBe(200);
  const claims = await searchResources<Claim>(a, `Claim?patient=Patient/${patient}`);
  expect(claims.flatMap((c) => c.item?.map((i) => `${i.productOrService.coding?.[0].code}/${i.revenue?.coding?.[0].code}`) ?? [])).toEqual(['H0015/0906']);
});

test('a SearchParameter made active on A is searched and indexed by B', async () => {
  const url = `${IOP}/SearchParameter/patient-cache-cohort`;
  const extension = `${IOP}/StructureDefinition/cache-cohort`;
  const param: SearchParameter = {
    resourceType: 'SearchParameter', id: 'patient-cache-cohort', url, name: 'cache-cohort', status: 'active', code: 'cache-cohort',
    base: ['Patient'], type: 'token', description: 'Test cohort', expression: `Patient.extension('${extension}').value`,
  };
  const known = async () => {
    const bundle = (await (await onB('/fhir/Patient?cache-cohort=x', adminToken)).json()) as { entry?: { search?: { mode?: string } }[] };
    return !bundle.entry?.some((e) => e.search?.mode === 'outcome'); // an unknown parameter is reported and ignored
  };
  expect(await known()).toBe(false);
  await fetch(`${b.origin}/fhir/metadata`); // B builds and caches its CapabilityStatement before the parameter exists
  expect((await a.http.put(`/fhir/SearchParameter/${param.id}`).set('Content-Type', FHIR_JSON).send(param)).status).toBe(201);
  await within(BOUND_MS, known);
  // B's CapabilityStatement (built once, then cached) lists it too.
  const metadata = (await (await fetch(`${b.origin}/fhir/metadata`)).json()) as { rest: { resource: { type: string; searchParam?: { name: string }[] }[] }[] };
  expect(metadata.rest[0].resource.find((r) => r.type === 'Patient')!.searchParam!.map((p) => p.name)).toContain('cache-cohort');
  // B indexes by it on write: A finds what B wrote.
  const created = await onB('/fhir/Patient', adminToken, { method: 'POST', body: JSON.stringify({ resourceType: 'Patient', extension: [{ url: extension, valueCode: 'blue' }] }) });
  expect(created.status).toBe(201);
  const found = await a.http.get('/fhir/Patient?cache-cohort=blue');
  expect(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([((await created.json()) as { id: string }).id]);
});

test('a token revoked on A is refused by A at once and by B within the notification latency, never again after', async () => {
  const token = await mintToken(a.app, 'user/*.rs', { adminUser: true });
  const read = () => onB('/fhir/Patient?_count=1', token).then((r) => r.status);
  expect(await read()).toBe(200); // now cached on B
  expect((await request(a.app).get('/fhir/Patient?_count=1').set('Authorization', `Bearer ${token}`)).status).toBe(200);

  const revoked = await request(a.app).post('/auth/revoke').type('form').send({ token, client_id: TEST_APP_CLIENT });
  expect(revoked.status).toBe(200);
  const revokedAt = Date.now();
  expect((await request(a.app).get('/fhir/Patient?_count=1').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  // B: any request it still let through came before the notification reached it, within the bound; then only 401.
  const statuses: { status: number; ms: number }[] = [];
  await within(BOUND_MS, async () => {
    const status = await read();
    statuses.push({ status, ms: Date.now() - revokedAt });
    return status === 401;
  });
  for (const passed of statuses.filter((s) => s.status === 200)) expect(passed.ms).toBeLessThanOrEqual(BOUND_MS);
  for (let i = 0; i < 5; i++) expect(await read()).toBe(401);
});

test('a client disabled on A: its tokens stop working on B', async () => {
  await a.http.post('/admin/clients').set('Content-Type', 'application/json')
    .send({ client_id: 'cache-probe', type: 'backend', scope: 'system/Patient.rs', jwks: jwksOf(makeKey('ES384')) }).expect(201);
  const token = await mintToken(a.app, 'system/Patient.rs', { clientId: 'cache-probe' });
  expect((await onB('/fhir/Patient?_count=1', token)).status).toBe(200); // now cached on B
  await a.http.delete('/admin/clients/cache-probe').expect(204);
  await within(BOUND_MS, async () => (await onB('/fhir/Patient?_count=1', token)).status === 401);
});

test('a PractitionerRole written on A changes what its practitioner reaches on B; a user disabled on A is refused by B', async () => {
  const create = async (resource: object) => (await a.http.post(`/fhir/${(resource as { resourceType: string }).resourceType}`).set('Content-Type', FHIR_JSON).send(resource).expect(201)).body.id as string;
  const org = await create({ resourceType: 'Organization', name: 'Cache site' });
  const patient = await create({ resourceType: 'Patient', name: [{ family: 'Reach' }] });
  await create({ resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${patient}` }, managingOrganization: { reference: `Organization/${org}` } });
  const practitioner = await create({ resourceType: 'Practitioner', name: [{ family: 'Reach' }] });
  const username = `reach-${Date.now()}`;
  await createUser(a.pool, { username, password: 'a long password', fhirUser: `Practitioner/${practitioner}` });
  const token = await mintToken(a.app, 'user/*.rs', { username });
  const readOnB = async () => (await onB(`/fhir/Patient/${patient}`, token)).status;
  expect(await readOnB()).toBe(404); // no role yet; B now holds this token's reach

  const role = { resourceType: 'PractitionerRole', practitioner: { reference: `Practitioner/${practitioner}` }, organization: { reference: `Organization/${org}` } };
  const roleId = await create(role);
  await within(BOUND_MS, async () => (await readOnB()) === 200);
  await a.http.put(`/fhir/PractitionerRole/${roleId}`).set('Content-Type', FHIR_JSON).send({ ...role, id: roleId, active: false }).expect(200);
  await within(BOUND_MS, async () => (await readOnB()) === 404);

  await a.http.delete(`/admin/users/${username}`).expect(204);
  await within(BOUND_MS, async () => (await readOnB()) === 401);
});

test('after B loses its listening connection it reloads every cache: what changed unannounced meanwhile takes effect', async () => {
  const token = await mintToken(a.app, 'user/*.rs', { adminUser: true });
  expect((await onB('/fhir/Patient?_count=1', token)).status).toBe(200); // cached on B
  // Changes written straight to the tables, without a notification, as if it had been lost with the connection.
  const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
  await a.pool.query('UPDATE auth_token SET revoked_at = now() WHERE jti = $1', [jti]);
  const silent: SearchParameter = {
    resourceType: 'SearchParameter', url: `${IOP}/SearchParameter/patient-silent`, name: 'silent', status: 'active', code: 'silent',
    base: ['Patient'], type: 'token', description: 'Recorded without a notification', expression: 'Patient.gender',
  };
  await a.pool.query(`INSERT INTO search_param_state (url, fingerprint, definition, updated_at) VALUES ($1, 'silent', $2, now())`, [silent.url, silent]);
  const silentKnown = async () => !(((await (await onB('/fhir/Patient?silent=female', adminToken)).json()) as { entry?: { search?: { mode?: string } }[] })
    .entry?.some((e) => e.search?.mode === 'outcome'));
  // B's caches serve what they hold: the token passes (served without reading auth_token), the parameter is unknown.
  expect((await onB('/fhir/Patient?_count=1', token)).status).toBe(200);
  expect(await silentKnown()).toBe(false);

  const { rows } = await a.pool.query('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [`iop-fhir-listener-${b.child.pid}`]);
  expect(rows).toEqual([{ ended: true }]);
  await within(5_000, async () => /cache listener reconnected; caches reloaded/.test(b.output()));
  expect((await onB('/fhir/Patient?_count=1', token)).status).toBe(401);
  expect(await silentKnown()).toBe(true);
});
