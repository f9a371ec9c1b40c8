/**
 * SHOULD-level rules of R4 http.html that clients rely on: deleting what does not exist succeeds (also inside a
 * transaction), `_format` in a POST _search body counts like in the query, an Accept naming another FHIR version is
 * a 406, and `metadata?_summary=true` is the summary form of the CapabilityStatement marked SUBSETTED.
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { createClinic } from '../support/auth-fixtures';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const FHIR_JSON = 'application/fhir+json';
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

function expectOutcome(res: { status: number; body: { resourceType?: string; issue?: { diagnostics?: string }[] } }, status: number, message?: RegExp) {
  expect([res.status, res.body.resourceType]).toEqual([status, 'OperationOutcome']);
  if (message) expect(res.body.issue?.[0].diagnostics).toMatch(message);
}

describe('R4 http.html#delete: "if the resource does not exist at all", 200/204, not 404', () => {
  test('DELETE of an id that never existed is 204 and writes nothing', async () => {
    const res = await server.http.delete('/fhir/Observation/never-existed-1');
    expect([res.status, res.text]).toEqual([204, '']);
    const { rows } = await server.pool.query(`SELECT count(*)::int AS n FROM resource_history WHERE id = 'never-existed-1'`);
    expect(rows[0].n).toBe(0);
  });

  test('in a transaction, deleting an absent resource does not fail it: the other entries commit', async () => {
    const res = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { request: { method: 'DELETE', url: 'Patient/never-existed-2' } },
        { resource: { resourceType: 'Patient', name: [{ family: 'Kept' }] }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['204', '201']);
    expect((await server.http.get(`/fhir/${res.body.entry[1].response.location}`)).status).toBe(200);
  });

  test('a patient token deleting another patient\'s resource gets the same 204, and nothing is deleted', async () => {
    const clinic = await createClinic(server);
    const asA = await server.as('launch/patient patient/*.cruds', { patient: clinic.patientA });
    const hidden = await asA.delete(`/fhir/Observation/${clinic.observationB}`);
    const absent = await asA.delete('/fhir/Observation/never-existed-3');
    expect([hidden.status, hidden.text, hidden.headers.etag]).toEqual([absent.status, absent.text, absent.headers.etag]);
    expect(hidden.status).toBe(204);
    const stored = await server.http.get(`/fhir/Observation/${clinic.observationB}`);
    expect([stored.status, stored.body.meta.versionId]).toEqual([200, '1']);
  });
});

describe('R4 http.html#search: _format in a POST _search body is honoured as in the query', () => {
  test('_format=xml in the form body is a 406 OperationOutcome, as in the query', async () => {
    expectOutcome(await server.http.get('/fhir/Patient?_format=xml'), 406);
    expectOutcome(await server.http.post('/fhir/Patient/_search').type('form').send('_format=xml&name=x'), 406, /_format=xml/);
    expectOutcome(await server.http.post('/fhir/_search').type('form').send('_format=application/fhir%2Bxml'), 406);
  });

  test('_format=json (or application/fhir+json) in the body answers JSON', async () => {
    const res = await server.http.post('/fhir/Patient/_search').type('form').send('_format=application/fhir%2Bjson&name=x');
    expect([res.status, res.body.resourceType]).toEqual([200, 'Bundle']);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  });
});

describe('R4 http.html#version-parameter: an Accept naming a FHIR version other than 4.0 is a 406', () => {
  test('fhirVersion=5.0 or 3.0 in Accept (or _format) is 406 with an OperationOutcome naming the version', async () => {
    expectOutcome(await server.http.get('/fhir/metadata').set('Accept', 'application/fhir+json; fhirVersion=5.0'), 406, /5\.0.*R4/);
    expectOutcome(await server.http.get('/fhir/Patient').set('Accept', 'application/fhir+json;fhirVersion=3.0'), 406, /3\.0/);
    expectOutcome(await server.http.get('/fhir/metadata?_format=application/fhir%2Bjson;fhirVersion=5.0'), 406, /5\.0/);
  });

  test('fhirVersion=4.0 (or 4.0.1), or another acceptable range next to it, is served', async () => {
    expect((await server.http.get('/fhir/metadata').set('Accept', 'application/fhir+json; fhirVersion=4.0')).status).toBe(200);
    expect((await server.http.get('/fhir/metadata').set('Accept', 'application/fhir+json; fhirVersion=4.0.1')).status).toBe(200);
    expect((await server.http.get('/fhir/metadata').set('Accept', 'application/fhir+json; fhirVersion=5.0, application/json')).status).toBe(200);
  });
});

describe('R4 http.html#capabilities and search.html#summary: GET metadata?_summary=true', () => {
  test('only summary elements at every level, tagged SUBSETTED; the full statement is not tagged', async () => {
    const full = (await server.http.get('/fhir/metadata')).body as CapabilityStatement;
    const res = await server.http.get('/fhir/metadata?_summary=true');
    expect(res.status).toBe(200);
    const summary = res.body as CapabilityStatement;
    expect(summary.meta?.tag).toEqual([SUBSETTED]);
    expect(full.meta?.tag ?? []).not.toContainEqual(SUBSETTED);
    expect([summary.fhirVersion, summary.status, summary.kind, summary.format]).toEqual([full.fhirVersion, full.status, full.kind, full.format]);
    const rest = summary.rest![0];
    // rest.mode, rest.security.service and rest.resource.type are summary elements; the security description,
    // interactions and search parameters are not
    expect(rest.mode).toBe('server');
    expect(rest.security).toEqual({ cors: full.rest![0].security!.cors, service: full.rest![0].security!.service });
    expect(rest.resource!.map((r) => r.type)).toEqual(full.rest![0].resource!.map((r) => r.type));
    expect(rest.resource!.some((r) => r.interaction || r.searchParam || r.versioning)).toBe(false);
    expect(rest.interaction).toBeUndefined();
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(full).length / 4);
  });

  test('_summary=false is the full statement; an invalid value is a 400', async () => {
    const full = (await server.http.get('/fhir/metadata')).body;
    expect((await server.http.get('/fhir/metadata?_summary=false')).body.rest[0].resource.length).toBe(full.rest[0].resource.length);
    expectOutcome(await server.http.get('/fhir/metadata?_summary=maybe'), 400);
  });
});
