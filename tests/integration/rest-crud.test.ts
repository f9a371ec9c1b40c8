import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const patient = { resourceType: 'Patient', name: [{ family: 'Walker', given: ['Adelina'] }], gender: 'female', birthDate: '1990-04-02' };

describe('create, read, vread', () => {
  test('create assigns an id and answers 201 with Location, ETag, Last-Modified', async () => {
    const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ ...patient, id: 'client-id' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers.location).toBe(`${server.baseUrl}/Patient/${res.body.id}/_history/1`);
    expect(res.headers['last-modified']).toBe(new Date(res.body.meta.lastUpdated).toUTCString());

    const read = await server.http.get(`/fhir/Patient/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    expect(read.headers.etag).toBe('W/"1"');

    const vread = await server.http.get(`/fhir/Patient/${res.body.id}/_history/1`);
    expect(vread.status).toBe(200);
    expect(vread.body.name[0].family).toBe('Walker');
  });

  test('read of an unknown id is 404 and an unknown type is 404, both as OperationOutcome', async () => {
    const missing = await server.http.get('/fhir/Patient/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.resourceType).toBe('OperationOutcome');
    const unknownType = await server.http.get('/fhir/Spaceship/1');
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.issue[0].diagnostics).toMatch(/Unknown resource type: Spaceship/);
  });
});

async function createPatient(body: object = patient) {
  const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; meta: { versionId: string; lastUpdated: string } };
}

describe('update', () => {
  test('update makes a new version; vread still returns the old one', async () => {
    const created = await createPatient();
    const res = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json')
      .send({ ...patient, id: created.id, gender: 'other' });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.etag).toBe('W/"2"');
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history/1`)).body.gender).toBe('female');
    expect((await server.http.get(`/fhir/Patient/${created.id}`)).body.gender).toBe('other');
  });

  test('update-as-create with a client id answers 201 with Location', async () => {
    const res = await server.http.put('/fhir/Patient/client-chosen-1').set('Content-Type', 'application/fhir+json')
      .send({ ...patient, id: 'client-chosen-1' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${server.baseUrl}/Patient/client-chosen-1/_history/1`);
  });

  test('If-Match with a stale version is 412 and changes nothing; the current version succeeds', async () => {
    const created = await createPatient();
    const stale = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'W/"7"').send({ ...patient, id: created.id, gender: 'male' });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    expect((await server.http.get(`/fhir/Patient/${created.id}`)).body.meta.versionId).toBe('1');
    // R4 http.html: a versionId is any id, so a well-formed weak ETag naming another version is a 412, not a 400.
    const named = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'W/"outdated-version"').send({ ...patient, id: created.id, gender: 'male' });
    expect(named.status).toBe(412);
    const ok = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'W/"1"').send({ ...patient, id: created.id, gender: 'male' });
    expect(ok.status).toBe(200);
  });

  test('id in the body different from the URL is 400; a missing body id is 400', async () => {
    const created = await createPatient();
    const wrong = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json')
      .send({ ...patient, id: 'other' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issue[0].diagnostics).toMatch(/does not match/);
    const none = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json').send(patient);
    expect(none.status).toBe(400);
  });

  test('a body of another resource type is 400', async () => {
    const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Observation' });
    expect(res.status).toBe(400);
  });
});

describe('delete', () => {
  test('delete answers 204; later reads are 410 Gone; history keeps the deletion; vread of old version works', async () => {
    const created = await createPatient();
    const del = await server.http.delete(`/fhir/Patient/${created.id}`);
    expect(del.status).toBe(204);
    const read = await server.http.get(`/fhir/Patient/${created.id}`);
    expect(read.status).toBe(410);
    expect(read.body.resourceType).toBe('OperationOutcome');
    expect(read.headers.etag).toBe('W/"2"');
    const history = await server.http.get(`/fhir/Patient/${created.id}/_history`);
    expect(history.status).toBe(200);
    expect(history.body.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual(['DELETE', 'POST']);
    expect(history.body.entry[0].resource).toBeUndefined();
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history/1`)).status).toBe(200);
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history/2`)).status).toBe(410);
    // deleting again is idempotent and writes no new version
    expect((await server.http.delete(`/fhir/Patient/${created.id}`)).status).toBe(204);
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history`)).body.entry).toHaveLength(2);
    // a deleted resource can be brought back by update
    const back = await server.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/fhir+json').send({ ...patient, id: created.id });
    expect(back.status).toBe(201);
    expect(back.body.meta.versionId).toBe('3');
  });

  // R4 http.html#delete: "if the resource does not exist at all", the server answers 200 or 204, not 404.
  test('delete of an id that never existed succeeds (204) and creates nothing', async () => {
    const res = await server.http.delete('/fhir/Patient/never-there');
    expect([res.status, res.text]).toEqual([204, '']);
    expect((await server.http.get('/fhir/Patient/never-there')).status).toBe(404);
    expect((await server.http.get('/fhir/Patient/never-there/_history')).status).toBe(404);
  });
});

describe('conditional reads and Prefer', () => {
  test('If-None-Match with the current ETag is 304; If-Modified-Since after lastUpdated is 304', async () => {
    const created = await createPatient();
    const notModified = await server.http.get(`/fhir/Patient/${created.id}`).set('If-None-Match', 'W/"1"');
    expect(notModified.status).toBe(304);
    const changed = await server.http.get(`/fhir/Patient/${created.id}`).set('If-None-Match', 'W/"0"');
    expect(changed.status).toBe(200);
    const later = new Date(Date.now() + 60_000).toUTCString();
    expect((await server.http.get(`/fhir/Patient/${created.id}`).set('If-Modified-Since', later)).status).toBe(304);
    const earlier = new Date(Date.parse(created.meta.lastUpdated) - 60_000).toUTCString();
    expect((await server.http.get(`/fhir/Patient/${created.id}`).set('If-Modified-Since', earlier)).status).toBe(200);
  });

  test('Prefer return=minimal gives no body; return=OperationOutcome gives an outcome', async () => {
    const minimal = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').set('Prefer', 'return=minimal').send(patient);
    expect(minimal.status).toBe(201);
    expect(minimal.text).toBe('');
    expect(minimal.headers.location).toMatch(/\/Patient\/[^/]+\/_history\/1$/);
    const oo = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').set('Prefer', 'return=OperationOutcome').send(patient);
    expect(oo.status).toBe(201);
    expect(oo.body.resourceType).toBe('OperationOutcome');
  });

  test('_summary, _elements and _pretty on read', async () => {
    const created = await createPatient({ ...patient, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } });
    const elements = await server.http.get(`/fhir/Patient/${created.id}?_elements=gender`);
    expect(Object.keys(elements.body).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
    expect(elements.body.meta.tag[0].code).toBe('SUBSETTED');
    const summary = await server.http.get(`/fhir/Patient/${created.id}?_summary=true`);
    expect(summary.body.name).toBeDefined();
    expect(summary.body.text).toBeUndefined();
    const text = await server.http.get(`/fhir/Patient/${created.id}?_summary=text`);
    expect(text.body.text).toBeDefined();
    expect(text.body.name).toBeUndefined();
    const pretty = await server.http.get(`/fhir/Patient/${created.id}?_pretty=true`);
    expect(pretty.text).toContain('\n  "resourceType": "Patient"');
  });
});

describe('R4 JSON never contains empty arrays (json.html)', () => {
  test('a searchset with no matches, _summary=count and an operation with no outputs omit the empty lists', async () => {
    const none = await server.http.get('/fhir/Patient?family=no-such-family-xyz').expect(200);
    expect(none.body.type).toBe('searchset');
    expect(none.body).not.toHaveProperty('entry');
    const count = await server.http.get('/fhir/Patient?_summary=count').expect(200);
    expect(count.body).not.toHaveProperty('entry');
    expect(count.body.total).toBeGreaterThanOrEqual(0);
    const patient = await createPatient();
    const disclosures = await server.http.get(`/fhir/Patient/${patient.id}/$disclosures`).expect(200);
    expect(disclosures.body.resourceType).toBe('Parameters');
    expect(disclosures.body).not.toHaveProperty('parameter');
  });
});
