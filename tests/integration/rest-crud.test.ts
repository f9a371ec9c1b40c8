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
