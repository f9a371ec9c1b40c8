import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function expectOutcome(res: { status: number; body: { resourceType?: string; issue?: { diagnostics?: string }[] }; text: string }, status: number, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  if (message) expect(res.body.issue?.[0].diagnostics).toMatch(message);
  expect(res.text).not.toMatch(/at .*\.ts:\d+|SELECT |INSERT |node_modules/);
}

describe('every error is an OperationOutcome with the right status', () => {
  test('malformed JSON is 400', async () => {
    const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send('{"resourceType": "Patient",');
    expectOutcome(res, 400, /Malformed JSON/);
  });

  test('unknown resource type is 404', async () => {
    expectOutcome(await server.http.get('/fhir/Unicorn'), 404, /Unknown resource type/);
    expectOutcome(await server.http.post('/fhir/Unicorn').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Unicorn' }), 404);
  });

  test('a body over the limit is 413', async () => {
    const big = { resourceType: 'Patient', text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(17 * 1024 * 1024)}</div>` } };
    expectOutcome(await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send(JSON.stringify(big)), 413);
  });

  test('an XML body is 415; an unknown media type is 415', async () => {
    const xml = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+xml').send('<Patient xmlns="http://hl7.org/fhir"/>');
    expectOutcome(xml, 415, /XML is not supported/);
    expectOutcome(await server.http.post('/fhir/Patient').set('Content-Type', 'text/plain').send('hello'), 415);
  });

  test('asking for XML only is 406, by Accept or by _format', async () => {
    expectOutcome(await server.http.get('/fhir/metadata').set('Accept', 'application/fhir+xml'), 406);
    expectOutcome(await server.http.get('/fhir/metadata?_format=xml'), 406);
    expect((await server.http.get('/fhir/metadata?_format=json')).status).toBe(200);
    expect((await server.http.get('/fhir/metadata').set('Accept', 'application/json')).status).toBe(200);
  });

  test('an unsupported interaction is 405', async () => {
    expectOutcome(await server.http.post('/fhir/Patient/123'), 405);
    expectOutcome(await server.http.delete('/fhir/Patient/123/_history/1'), 405);
  });

  test('an invalid resource is 400 with one issue per problem and its location', async () => {
    const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient', birthDate: 'not-a-date', active: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body.issue.length).toBeGreaterThanOrEqual(2);
    const where = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(where).toEqual(expect.arrayContaining(['Patient.birthDate', 'Patient.active']));
  });

  test('an invalid id is 400; a bad ETag is 400; a bad _count is 400', async () => {
    expectOutcome(await server.http.get(`/fhir/Patient/${'x'.repeat(70)}`), 400, /Invalid resource id/);
    const created = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient' });
    expectOutcome(await server.http.put(`/fhir/Patient/${created.body.id}`).set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'banana').send({ resourceType: 'Patient', id: created.body.id }), 400, /Invalid ETag/);
    expectOutcome(await server.http.get('/fhir/Patient/_history?_count=-1'), 400);
  });

  test('an unknown path outside /fhir is a 404 OperationOutcome too', async () => {
    expectOutcome(await server.http.get('/nothing-here'), 404);
  });

  test('an internal error is a 500 with a request id and no internals', async () => {
    // Make the database refuse the next write: revoke nothing, just drop an index table for this database.
    await server.pool.query('ALTER TABLE idx_string RENAME TO idx_string_gone');
    try {
      const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient', name: [{ family: 'X' }] });
      expectOutcome(res, 500, /Internal server error \(request id [0-9a-f-]+\)/);
      expect(res.headers['x-request-id']).toBeDefined();
      expect(res.body.issue[0].diagnostics).toContain(res.headers['x-request-id']);
      expect(res.text).not.toMatch(/idx_string|relation/);
    } finally {
      await server.pool.query('ALTER TABLE idx_string_gone RENAME TO idx_string');
    }
  });
});

describe('operational endpoints', () => {
  test('/healthz, /readyz and /metrics answer', async () => {
    expect((await server.http.get('/healthz')).body).toEqual({ status: 'ok', pid: expect.any(Number) }); // which process answered
    expect((await server.http.get('/readyz')).body).toEqual({ status: 'ready' });
    const metrics = await server.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('iop_http_requests_total');
  });

  test('the CapabilityStatement is generated from the route table and the registry', async () => {
    const res = await server.http.get('/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.body.fhirVersion).toBe('4.0.1');
    const patientResource = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    const codes = patientResource.interaction.map((i: { code: string }) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['read', 'vread', 'update', 'delete', 'create', 'search-type', 'history-instance', 'history-type']));
    expect(patientResource.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['name', 'identifier', 'birthdate']));
    expect(res.body.rest[0].interaction.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(['transaction', 'batch', 'history-system']));
    expect(res.body.rest[0].resource.length).toBeGreaterThan(140);
  });
});
