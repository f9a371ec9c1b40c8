/**
 * Conditional writes are race-proof for ANY criteria, across processes: two server instances, each on its own
 * connection pool (as two processes would be), on one database, race conditional creates and updates whose criteria
 * differ but match the same resource (`identifier=X`, `identifier=X&family=Y`, `family=Y&identifier=X&gender=…`).
 * Every round must end with exactly one resource. (With a lock keyed by the criteria text, 3 rounds in 5 duplicated.)
 */
import type { Express } from 'express';
import type { Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { createPool } from '../../server/src/store/pool';
import { mintAdminToken } from '../support/auth-tokens';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

jest.setTimeout(300_000);

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 12);
const SYSTEM = 'http://iop.example/race-mrn';
const json = 'application/fhir+json';

let server: TestServer;
let otherPool: Pool;
let other: Express;
let otherHttp: ReturnType<typeof request.agent>;

beforeAll(async () => {
  server = await startTestServer();
  // A second server on the same database through its own pool: what a second process is, minus the fork.
  otherPool = createPool((server.pool as Pool & { options: { connectionString: string } }).options.connectionString, 20);
  other = createApp({ pool: otherPool, baseUrl: TEST_BASE_URL, logger: pino({ level: 'silent' }), auth: { enforce: true } });
  otherHttp = request.agent(other).set('Authorization', `Bearer ${await mintAdminToken(other)}`);
});

afterAll(async () => {
  await (other.locals.jobWorkers as { stop(): Promise<void> }).stop();
  await otherPool.end();
  await server.close();
});

const patient = (mrn: string) => ({ resourceType: 'Patient', identifier: [{ system: SYSTEM, value: mrn }], name: [{ family: 'Racer' }], gender: 'other' });

async function liveCount(mrn: string): Promise<number> {
  const { rows } = await server.pool.query(
    `SELECT count(*)::int AS n FROM resource r JOIN idx_token t ON t.res_id = r.res_id
      WHERE r.resource_type = 'Patient' AND NOT r.deleted AND t.param = 'identifier' AND t.system = $1 AND t.code = $2`,
    [SYSTEM, mrn],
  );
  return rows[0].n;
}

test(`${ROUNDS} rounds of conditional creates and updates with differing criteria, from two servers, create one resource each`, async () => {
  const duplicated: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const mrn = `R${round}-${Math.random().toString(36).slice(2, 8)}`;
    const id = `${SYSTEM}|${mrn}`;
    const criteria = [`identifier=${id}`, `identifier=${id}&family=Racer`, `family=Racer&identifier=${id}&gender=other`];
    const attempts = [
      ...criteria.map((c, i) => (i % 2 === 0 ? server.http : otherHttp).post('/fhir/Patient').set('Content-Type', json).set('If-None-Exist', c).send(patient(mrn))),
      ...criteria.map((c, i) => (i % 2 === 0 ? otherHttp : server.http).post('/fhir/Patient').set('Content-Type', json).set('If-None-Exist', c).send(patient(mrn))),
      ...criteria.map((c, i) => (i % 2 === 0 ? server.http : otherHttp).put(`/fhir/Patient?${c}`).set('Content-Type', json).send(patient(mrn))),
      // the same kind of write inside transaction Bundles, on both servers
      ...[server.http, otherHttp].map((agent, i) => agent.post('/fhir').set('Content-Type', json).send({
        resourceType: 'Bundle', type: 'transaction',
        entry: [{ fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${i}`, resource: patient(mrn), request: { method: 'POST', url: 'Patient', ifNoneExist: criteria[i + 1] } }],
      })),
    ];
    const responses = await Promise.all(attempts);
    for (const res of responses) expect([res.status, res.body?.issue?.[0]?.diagnostics]).toEqual([expect.any(Number), undefined]);
    expect(responses.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);
    expect(responses.filter((r) => r.status === 201 && r.body.resourceType === 'Patient').length
      + responses.filter((r) => r.body.resourceType === 'Bundle' && r.body.entry[0].response.status === '201').length).toBe(1);
    if ((await liveCount(mrn)) !== 1) duplicated.push(mrn);
  }
  expect(duplicated).toEqual([]);
});

test('conditional deletes with differing criteria racing from both servers delete the one resource once', async () => {
  const mrn = `D-${Math.random().toString(36).slice(2, 8)}`;
  const created = await server.http.post('/fhir/Patient').set('Content-Type', json).send(patient(mrn));
  expect(created.status).toBe(201);
  const deletes = await Promise.all([
    server.http.delete(`/fhir/Patient?identifier=${SYSTEM}|${mrn}`),
    otherHttp.delete(`/fhir/Patient?identifier=${SYSTEM}|${mrn}&family=Racer`),
    server.http.delete(`/fhir/Patient?family=Racer&identifier=${SYSTEM}|${mrn}`),
  ]);
  expect(deletes.map((r) => r.status)).toEqual([204, 204, 204]);
  const { rows } = await server.pool.query(`SELECT count(*)::int AS n FROM resource_history WHERE id = $1 AND method = 'DELETE'`, [created.body.id]);
  expect(rows[0].n).toBe(1);
});
