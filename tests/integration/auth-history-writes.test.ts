/**
 * History and vread under a patient/ token are filtered in SQL and judged per version: a resource that moved from
 * patient B to patient A never shows A its B versions, and type/system history pages are full. Writes do not tell
 * a resource the token cannot see from one that does not exist (identical status and message).
 */
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { Clinic, createClinic, createResource } from '../support/auth-fixtures';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Clinic;
let asA: TestAgent;
let writer: TestAgent;

const FHIR_JSON = 'application/fhir+json';
const observationFor = (patient: string, text = 'note'): Observation =>
  ({ resourceType: 'Observation', status: 'final', code: { text }, subject: { reference: `Patient/${patient}` } });

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
  asA = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
  writer = await server.as('launch/patient patient/*.cruds', { patient: clinic.patientA });
}, 120_000);
afterAll(() => server.close());

async function update(id: string, resource: Observation): Promise<void> {
  const res = await server.http.put(`/fhir/Observation/${id}`).set('Content-Type', FHIR_JSON).send({ ...resource, id });
  expect(res.status).toBe(200);
}

const versionsOf = (bundle: Bundle, id: string) => (bundle.entry ?? [])
  .filter((e) => e.resource?.id === id).map((e) => e.resource!.meta!.versionId);

describe('history per version', () => {
  let moved: string;
  let movedAway: string;
  beforeAll(async () => {
    moved = await createResource(server, observationFor(clinic.patientB, 'B at first')); // v1: B's
    await update(moved, observationFor(clinic.patientA, 'now A')); // v2: A's
    movedAway = await createResource(server, observationFor(clinic.patientA, 'A at first')); // v1: A's
    await update(movedAway, observationFor(clinic.patientB, 'now B')); // v2: B's
  });

  test('a resource moved from B to A: A reads and vreads only the A version', async () => {
    expect((await asA.get(`/fhir/Observation/${moved}`)).status).toBe(200);
    expect((await asA.get(`/fhir/Observation/${moved}/_history/2`)).status).toBe(200);
    const hidden = await asA.get(`/fhir/Observation/${moved}/_history/1`);
    const absent = await asA.get(`/fhir/Observation/${moved}/_history/9`);
    expect([hidden.status, absent.status]).toEqual([404, 404]);
    expect(JSON.stringify(hidden.body)).not.toContain('B at first');
    const history = await asA.get(`/fhir/Observation/${moved}/_history`);
    expect(history.status).toBe(200);
    expect(versionsOf(history.body, moved)).toEqual(['2']);
  });

  test('type and system history list the A version only; the admin sees both', async () => {
    for (const path of ['Observation/_history', '_history']) {
      const mine = await asA.get(`/fhir/${path}?_count=1000`);
      expect([path, versionsOf(mine.body, moved)]).toEqual([path, ['2']]);
      expect([path, versionsOf(mine.body, movedAway)]).toEqual([path, []]);
      expect(JSON.stringify(mine.body)).not.toContain('B at first');
      const all = await server.http.get(`/fhir/${path}?_count=1000`);
      expect([path, versionsOf(all.body, moved)]).toEqual([path, ['2', '1']]);
    }
  });

  test('a resource that moved from A to B is gone for A, old versions included', async () => {
    for (const suffix of ['', '/_history', '/_history/1', '/_history/2']) {
      expect([suffix, (await asA.get(`/fhir/Observation/${movedAway}${suffix}`)).status]).toEqual([suffix, 404]);
    }
  });

  test('pages are full: B\'s newer versions do not take A\'s places, and nothing of B is counted or linked', async () => {
    const mineBefore = (await asA.get('/fhir/Observation/_history?_count=1000')).body as Bundle;
    const expected = (mineBefore.entry ?? []).map((e) => `${e.resource!.id}/${e.resource!.meta!.versionId}`);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 5; i++) await createResource(server, observationFor(clinic.patientB, `newer B ${i}`));
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Observation/_history?_count=2';
    while (url) {
      const page: Bundle = (await asA.get(url)).body;
      const ids = (page.entry ?? []).map((e) => `${e.resource!.id}/${e.resource!.meta!.versionId}`);
      const next = page.link?.find((l) => l.relation === 'next')?.url;
      if (next) expect(ids).toHaveLength(2); // every page but the last is full
      expect(page.total).toBeUndefined();
      seen.push(...ids);
      url = next?.replace('http://localhost:8080', '');
    }
    expect(seen).toEqual(expected);
  });
});

describe('writes do not reveal what the token cannot see', () => {
  const unknownId = 'does-not-exist-1';
  const same = (a: { status: number; body: unknown }, b: { status: number; body: unknown }, hiddenId: string) => {
    expect(a.status).toBe(b.status);
    expect(JSON.stringify(a.body).replaceAll(hiddenId, 'ID')).toBe(JSON.stringify(b.body).replaceAll(unknownId, 'ID'));
  };

  test('PUT to B\'s resource and to an id that does not exist: the same 403', async () => {
    const hidden = await writer.put(`/fhir/Observation/${clinic.observationB}`).set('Content-Type', FHIR_JSON)
      .send({ ...observationFor(clinic.patientA), id: clinic.observationB });
    const absent = await writer.put(`/fhir/Observation/${unknownId}`).set('Content-Type', FHIR_JSON)
      .send({ ...observationFor(clinic.patientA), id: unknownId });
    expect(hidden.status).toBe(403);
    same(hidden, absent, clinic.observationB);
    expect((await server.http.get(`/fhir/Observation/${unknownId}`)).status).toBe(404); // nothing was created
  });

  // R4 http.html#delete: deleting a resource that does not exist succeeds (204); a hidden one answers the same.
  test('PATCH (404) and DELETE (204, nothing deleted) of B\'s resource answer exactly as for a missing one', async () => {
    const patch = [{ op: 'replace', path: '/status', value: 'cancelled' }];
    const hiddenPatch = await writer.patch(`/fhir/Observation/${clinic.observationB}`).set('Content-Type', 'application/json-patch+json').send(patch);
    const absentPatch = await writer.patch(`/fhir/Observation/${unknownId}`).set('Content-Type', 'application/json-patch+json').send(patch);
    expect(hiddenPatch.status).toBe(404);
    same(hiddenPatch, absentPatch, clinic.observationB);
    const hiddenDelete = await writer.delete(`/fhir/Observation/${clinic.observationB}`);
    const absentDelete = await writer.delete(`/fhir/Observation/${unknownId}`);
    expect(hiddenDelete.status).toBe(204);
    same(hiddenDelete, absentDelete, clinic.observationB);
    expect(hiddenDelete.headers.etag).toBe(absentDelete.headers.etag);
    const stored = await server.http.get(`/fhir/Observation/${clinic.observationB}`);
    expect([stored.body.meta.versionId, stored.body.status]).toEqual(['1', 'final']);
  });

  test('conditional create: B\'s match is invisible, so A gets a new resource (201), never B\'s (200 or 403)', async () => {
    const identifier = { system: 'urn:test:leak', value: `shared-${Date.now()}` };
    const ofB = await createResource(server, { ...observationFor(clinic.patientB), identifier: [identifier] });
    const res = await writer.post('/fhir/Observation').set('Content-Type', FHIR_JSON)
      .set('If-None-Exist', `identifier=${identifier.system}|${identifier.value}`).send({ ...observationFor(clinic.patientA), identifier: [identifier] });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(ofB);
    expect(res.body.subject.reference).toBe(`Patient/${clinic.patientA}`);
  });

  test('conditional update, patch and delete: the same 403 whether or not B has a match', async () => {
    for (const [method, criteria] of [['delete', `subject=Patient/${clinic.patientB}`], ['delete', 'subject=Patient/nobody'],
      ['put', `subject=Patient/${clinic.patientB}`], ['put', 'subject=Patient/nobody']] as const) {
      const req = method === 'put'
        ? writer.put(`/fhir/Observation?${criteria}`).set('Content-Type', FHIR_JSON).send(observationFor(clinic.patientA))
        : writer.delete(`/fhir/Observation?${criteria}`);
      const res = await req;
      expect([method, criteria, res.status]).toEqual([method, criteria, 403]);
      expect(res.body.issue[0].diagnostics).toBe('Conditional writes need a scope that reaches every resource of the type');
    }
  });

  test('a transaction\'s conditional reference does not resolve to B (412 as for no match)', async () => {
    const mrnB = `mrn-b-${Date.now()}`;
    await server.http.put(`/fhir/Patient/${clinic.patientB}`).set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', id: clinic.patientB, identifier: [{ system: 'urn:test:mrn', value: mrnB }], name: [{ family: 'Brooks' }] });
    const bundleFor = (mrn: string) => ({
      resourceType: 'Bundle', type: 'transaction', entry: [{
        resource: { ...observationFor(clinic.patientA), subject: { reference: `Patient?identifier=urn:test:mrn|${mrn}` } },
        request: { method: 'POST', url: 'Observation' },
      }],
    });
    const hidden = await writer.post('/fhir').set('Content-Type', FHIR_JSON).send(bundleFor(mrnB));
    const absent = await writer.post('/fhir').set('Content-Type', FHIR_JSON).send(bundleFor('nobody'));
    expect(hidden.status).toBe(412);
    expect(JSON.stringify(hidden.body).replaceAll(mrnB, 'X')).toBe(JSON.stringify(absent.body).replaceAll('nobody', 'X'));
  });
});
