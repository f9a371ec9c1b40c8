import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const json = 'application/fhir+json';
const withMrn = (mrn: string, extra: object = {}) => ({
  resourceType: 'Patient', identifier: [{ system: 'http://iop.example/mrn', value: mrn }], name: [{ family: 'Cole' }], ...extra,
});

async function countByMrn(mrn: string): Promise<number> {
  const { rows } = await server.pool.query(
    `SELECT count(*)::int AS n FROM resource WHERE resource_type = 'Patient' AND NOT deleted AND content->'identifier'->0->>'value' = $1`, [mrn]);
  return rows[0].n;
}

describe('conditional create', () => {
  test('If-None-Exist: first creates (201), second returns the existing one (200)', async () => {
    const first = await server.http.post('/fhir/Patient').set('Content-Type', json)
      .set('If-None-Exist', 'identifier=http://iop.example/mrn|A1').send(withMrn('A1'));
    expect(first.status).toBe(201);
    const second = await server.http.post('/fhir/Patient').set('Content-Type', json)
      .set('If-None-Exist', 'identifier=http://iop.example/mrn|A1').send(withMrn('A1'));
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });

  test('50 concurrent identical conditional creates yield exactly one resource', async () => {
    const attempts = await Promise.all(Array.from({ length: 50 }, () =>
      server.http.post('/fhir/Patient').set('Content-Type', json)
        .set('If-None-Exist', 'identifier=http://iop.example/mrn|RACE-1').send(withMrn('RACE-1'))));
    const statuses = attempts.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
    expect(await countByMrn('RACE-1')).toBe(1);
  });

  test('multiple matches are 412; unknown criteria are 400', async () => {
    await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('DUP'));
    await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('DUP'));
    const res = await server.http.post('/fhir/Patient').set('Content-Type', json)
      .set('If-None-Exist', 'identifier=http://iop.example/mrn|DUP').send(withMrn('DUP'));
    expect(res.status).toBe(412);
    const unknown = await server.http.post('/fhir/Patient').set('Content-Type', json)
      .set('If-None-Exist', 'favourite-colour=blue').send(withMrn('X'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].diagnostics).toMatch(/favourite-colour/);
  });
});

describe('conditional update', () => {
  test('no match creates, one match updates, 50 concurrent conditional updates create one resource', async () => {
    const created = await server.http.put('/fhir/Patient?identifier=http://iop.example/mrn|U1').set('Content-Type', json).send(withMrn('U1'));
    expect(created.status).toBe(201);
    const updated = await server.http.put('/fhir/Patient?identifier=http://iop.example/mrn|U1').set('Content-Type', json)
      .send(withMrn('U1', { gender: 'female' }));
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    expect(updated.body.meta.versionId).toBe('2');

    const race = await Promise.all(Array.from({ length: 50 }, () =>
      server.http.put('/fhir/Patient?identifier=http://iop.example/mrn|RACE-U').set('Content-Type', json).send(withMrn('RACE-U'))));
    expect(race.filter((r) => r.status === 201)).toHaveLength(1);
    expect(race.filter((r) => r.status === 200)).toHaveLength(49);
    expect(await countByMrn('RACE-U')).toBe(1);
  });

  test('multiple matches are 412', async () => {
    await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('UDUP'));
    await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('UDUP'));
    expect((await server.http.put('/fhir/Patient?identifier=http://iop.example/mrn|UDUP').set('Content-Type', json).send(withMrn('UDUP'))).status).toBe(412);
  });
});

describe('conditional delete', () => {
  test('one match is deleted, none is 204, several are 412', async () => {
    const created = await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('D1'));
    expect((await server.http.delete('/fhir/Patient?identifier=http://iop.example/mrn|D1')).status).toBe(204);
    expect((await server.http.get(`/fhir/Patient/${created.body.id}`)).status).toBe(410);
    expect((await server.http.delete('/fhir/Patient?identifier=http://iop.example/mrn|NOPE')).status).toBe(204);
    await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('DDUP'));
    await server.http.post('/fhir/Patient').set('Content-Type', json).send(withMrn('DDUP'));
    expect((await server.http.delete('/fhir/Patient?identifier=http://iop.example/mrn|DDUP')).status).toBe(412);
    expect(await countByMrn('DDUP')).toBe(2);
  });
});
