/**
 * R4 search.html#modifiers (reference): `:below` / `:above` on a reference parameter whose target has a partOf
 * hierarchy (Location.partOf, Organization.partOf) — `Procedure?location:below=Location/X` finds resources pointing at
 * X or at any Location whose partOf chain leads to X; `:above` at X or any Location up X's chain. Walked in SQL,
 * bounded (cycles end), and only through resources the caller may see.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

let server: TestServer;
const loc: Record<string, string> = {};
const proc: Record<string, string> = {};
const org: Record<string, string> = {};
const pat: Record<string, string> = {};
let patientA: string;
let patientB: string;

async function location(key: string, parent?: string, status: 'active' | 'inactive' = 'active'): Promise<void> {
  loc[key] = await createResource(server, {
    resourceType: 'Location', name: key, status, ...(parent ? { partOf: { reference: `Location/${loc[parent]}` } } : {}),
  });
}

async function procedure(key: string, at: string, patient = patientA): Promise<void> {
  proc[key] = await createResource(server, {
    resourceType: 'Procedure', status: 'completed', code: { text: key }, subject: { reference: `Patient/${patient}` },
    location: { reference: `Location/${loc[at]}` },
  });
}

beforeAll(async () => {
  server = await startTestServer();
  patientA = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Hierarchy A' }] });
  patientB = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Hierarchy B' }] });
  // campus ← building (inactive) ← ward ← room; elsewhere; a cycle cycA ⇄ cycB
  await location('campus');
  await location('building', 'campus', 'inactive');
  await location('ward', 'building');
  await location('room', 'ward');
  await location('elsewhere');
  await location('cycA');
  await location('cycB', 'cycA');
  await server.http.put(`/fhir/Location/${loc.cycA}`).set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Location', id: loc.cycA, name: 'cycA', status: 'active', partOf: { reference: `Location/${loc.cycB}` } }).expect(200);
  for (const key of ['campus', 'building', 'ward', 'room', 'elsewhere', 'cycA', 'cycB']) await procedure(`at-${key}`, key);
  await procedure('b-at-room', 'room', patientB);
  // a chain of 12 levels: level0 ← level1 ← … ← level11
  await location('level0');
  for (let i = 1; i <= 11; i++) await location(`level${i}`, `level${i - 1}`);
  for (const i of [10, 11]) await procedure(`at-level${i}`, `level${i}`);
  // Organization.partOf: system ← division ← clinic
  org.system = await createResource(server, { resourceType: 'Organization', name: 'system' });
  org.division = await createResource(server, { resourceType: 'Organization', name: 'division', partOf: { reference: `Organization/${org.system}` } });
  org.clinic = await createResource(server, { resourceType: 'Organization', name: 'clinic', partOf: { reference: `Organization/${org.division}` } });
  for (const key of ['system', 'division', 'clinic']) {
    pat[key] = await createResource(server, { resourceType: 'Patient', name: [{ family: `of ${key}` }], managingOrganization: { reference: `Organization/${org[key]}` } });
  }
}, 120_000);
afterAll(() => server.close());

async function search(agent: TestAgent, url: string): Promise<Bundle> {
  const res = await agent.get(`/fhir/${url}`);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function matchIds(url: string, agent: TestAgent = server.http): Promise<string[]> {
  return ((await search(agent, url)).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!).sort();
}

const procs = (...keys: string[]) => keys.map((k) => proc[k]).sort();
const outcomeText = (bundle: Bundle) => JSON.stringify((bundle.entry ?? []).filter((e) => e.search?.mode === 'outcome').map((e) => e.resource as Resource));

describe('R4 search.html#modifiers: :below on a reference follows Location.partOf down', () => {
  test('the named Location and every Location under it (Procedure?location:below=Location/X)', async () => {
    expect(await matchIds(`Procedure?location:below=Location/${loc.building}`)).toEqual(procs('at-building', 'at-ward', 'at-room', 'b-at-room'));
    expect(await matchIds(`Procedure?location:below=Location/${loc.room}`)).toEqual(procs('at-room', 'b-at-room'));
    expect(await matchIds(`Procedure?location:below=Location/${loc.campus}&subject=Patient/${patientB}`)).toEqual(procs('b-at-room'));
  });

  test('a bare id takes the type from the parameter; comma is OR; our absolute URL is local', async () => {
    expect(await matchIds(`Procedure?location:below=${loc.ward}`)).toEqual(procs('at-ward', 'at-room', 'b-at-room'));
    expect(await matchIds(`Procedure?location:below=Location/${loc.room},Location/${loc.elsewhere}`)).toEqual(procs('at-room', 'b-at-room', 'at-elsewhere'));
    expect(await matchIds(`Procedure?location:below=${server.baseUrl}/Location/${loc.ward}`)).toEqual(procs('at-ward', 'at-room', 'b-at-room'));
  });
});

describe('R4 search.html#modifiers: :above on a reference follows Location.partOf up', () => {
  test('the named Location and every Location it is part of', async () => {
    expect(await matchIds(`Procedure?location:above=Location/${loc.ward}&subject=Patient/${patientA}`)).toEqual(procs('at-ward', 'at-building', 'at-campus'));
    expect(await matchIds(`Procedure?location:above=Location/${loc.campus}`)).toEqual(procs('at-campus'));
  });
});

describe('Organization.partOf is a hierarchy too', () => {
  test('Patient?organization:below / :above', async () => {
    expect(await matchIds(`Patient?organization:below=Organization/${org.division}`)).toEqual([pat.division, pat.clinic].sort());
    expect(await matchIds(`Patient?organization:above=Organization/${org.division}`)).toEqual([pat.system, pat.division].sort());
  });
});

describe('the recursion is bounded', () => {
  test('a partOf cycle ends: both members are found, once', async () => {
    expect(await matchIds(`Procedure?location:below=Location/${loc.cycA}`)).toEqual(procs('at-cycA', 'at-cycB'));
    expect(await matchIds(`Procedure?location:above=Location/${loc.cycB}`)).toEqual(procs('at-cycA', 'at-cycB'));
  });

  test('at most 10 levels are followed, and the Bundle says so', async () => {
    const bundle = await search(server.http, `Procedure?location:below=Location/${loc.level0}`);
    const ids = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id);
    expect(ids).toEqual([proc['at-level10']]);
    expect(outcomeText(bundle)).toMatch(/location:below follows partOf up to 10 levels/);
  });
});

describe('values that have no hierarchy are reported, not guessed', () => {
  test('a type without partOf, or a reference to another server: ignored with a warning; strict refuses', async () => {
    const bundle = await search(server.http, `Procedure?subject:below=Patient/${patientA}`);
    expect(outcomeText(bundle)).toMatch(/Patient has no partOf hierarchy/);
    expect(bundle.link?.find((l) => l.relation === 'self')?.url).toBe(`${server.baseUrl}/Procedure`);
    const remote = await search(server.http, 'Procedure?location:below=http://other.example/fhir/Location/1');
    expect(outcomeText(remote)).toMatch(/not a reference to a resource on this server/);
    const strict = await server.http.get(`/fhir/Procedure?location:above=http://other.example/fhir/Location/1`).set('Prefer', 'handling=strict');
    expect([strict.status, strict.body.resourceType]).toEqual([400, 'OperationOutcome']);
  });
});

describe('the walk passes the access filter', () => {
  test('patient A\'s token: never B\'s procedures; never through a Location its scopes hide', async () => {
    // Location.rs?status=active: the inactive building is hidden, so what only its own partOf says is not read —
    // going down from the campus stops there; going up from the room, the ward (visible) names the building, whose
    // own partOf is not followed.
    const asA = await server.as('launch/patient patient/Procedure.rs patient/Location.rs?status=active', { patient: patientA });
    expect((await asA.get(`/fhir/Location/${loc.building}`)).status).toBe(404);
    expect(await matchIds(`Procedure?location:below=Location/${loc.campus}`, asA)).toEqual(procs('at-campus'));
    expect(await matchIds(`Procedure?location:above=Location/${loc.room}`, asA)).toEqual(procs('at-room', 'at-ward', 'at-building'));
    expect(await matchIds(`Procedure?location:below=Location/${loc.ward}`, asA)).toEqual(procs('at-ward', 'at-room'));
  });
});
