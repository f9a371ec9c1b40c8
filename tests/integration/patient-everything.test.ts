/** Patient/{id}/$everything over real HTTP and PostgreSQL: contents, supporting includes, paging, filters, access. */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  const create = async (resource: Resource) => (await server.http.post(`/fhir/${resource.resourceType}`).send(resource).expect(201)).body.id as string;
  ids.org = await create({ resourceType: 'Organization', name: 'Riverside IOP' });
  ids.practitioner = await create({ resourceType: 'Practitioner', name: [{ family: 'Therapist' }] });
  ids.unrelatedPractitioner = await create({ resourceType: 'Practitioner', name: [{ family: 'Elsewhere' }] });
  ids.A = await create({ resourceType: 'Patient', name: [{ family: 'EverythingA' }], managingOrganization: { reference: `Organization/${ids.org}` } });
  ids.B = await create({ resourceType: 'Patient', name: [{ family: 'EverythingB' }] });
  ids.encounterA = await create({
    resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${ids.A}` }, participant: [{ individual: { reference: `Practitioner/${ids.practitioner}` } }],
    period: { start: '2026-10-05T09:00:00Z', end: '2026-10-05T12:00:00Z' },
  });
  for (const [patient, date] of [[ids.A, '2026-09-01'], [ids.A, '2026-10-05'], [ids.A, '2026-11-02'], [ids.B, '2026-10-05']]) {
    await create({
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      subject: { reference: `Patient/${patient}` }, effectiveDateTime: date, valueInteger: 9,
    });
  }
});

afterAll(async () => {
  await server.close();
});

async function everything(query = '', agent = server.http, patient = ids.A): Promise<Bundle> {
  return (await agent.get(`/fhir/Patient/${patient}/$everything${query}`).expect(200)).body as Bundle;
}

const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!);
const includes = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => e.resource!);

test("returns the patient and their compartment, with the shared resources they reference, and nothing of another patient", async () => {
  const bundle = await everything();
  expect(bundle.type).toBe('searchset');
  const found = matches(bundle);
  expect(found.map((r) => r.resourceType).sort()).toEqual(['Encounter', 'Observation', 'Observation', 'Observation', 'Patient']);
  expect(JSON.stringify(bundle)).not.toContain(ids.B);
  const supporting = includes(bundle).map((r) => `${r.resourceType}/${r.id}`).sort();
  expect(supporting).toEqual([`Organization/${ids.org}`, `Practitioner/${ids.practitioner}`].sort());
});

test('pages by next link without repeating or losing a resource', async () => {
  const seen: string[] = [];
  let bundle = await everything('?_count=2');
  for (let pages = 0; pages < 10; pages++) {
    expect(matches(bundle).length).toBeLessThanOrEqual(2);
    seen.push(...matches(bundle).map((r) => `${r.resourceType}/${r.id}`));
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (!next) break;
    const url = new URL(next);
    bundle = (await server.http.get(url.pathname + url.search).expect(200)).body as Bundle;
  }
  expect(seen).toHaveLength(5);
  expect(new Set(seen).size).toBe(5);
});

test('_type, start/end and _since narrow the result; bad values are 400', async () => {
  expect(matches(await everything('?_type=Observation')).map((r) => r.resourceType)).toEqual(['Observation', 'Observation', 'Observation']);
  const october = matches(await everything('?start=2026-10-01&end=2026-10-31'));
  // The October observation and encounter, and the patient (no clinical date of its own).
  expect(october.map((r) => r.resourceType).sort()).toEqual(['Encounter', 'Observation', 'Patient']);
  const future = new Date(Date.now() + 60_000).toISOString();
  expect(matches(await everything(`?_since=${encodeURIComponent(future)}`))).toEqual([]);
  for (const bad of ['?start=soon', '?_since=yesterday', '?_offset=10', '?_count=0']) {
    const res = await server.http.get(`/fhir/Patient/${ids.A}/$everything${bad}`).expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  }
});

test("a patient's token gets their own record and a 404 for anyone else's", async () => {
  const patientA = await server.as('patient/*.rs', { fhirUser: `Patient/${ids.A}`, patient: ids.A });
  const own = await everything('', patientA);
  expect(matches(own).length).toBe(5);
  expect(JSON.stringify(own)).not.toContain(ids.B);
  await patientA.get(`/fhir/Patient/${ids.B}/$everything`).expect(404);
  await server.http.get('/fhir/Patient/no-such-patient/$everything').expect(404);
  await server.anonymous.get(`/fhir/Patient/${ids.A}/$everything`).expect(401);
});
