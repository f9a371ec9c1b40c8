/**
 * Issue 12, item 5: database faults on a real PostgreSQL that the test owns (tests/support/pg-cluster.ts). While it is
 * stopped, every client gets a 503 OperationOutcome with Retry-After (FHIR API, token endpoint, admin API), never a
 * 500; it recovers without a restart, and no acknowledged write is lost. Frozen (SIGSTOP), it answers 503 within
 * seconds and /readyz within its own deadline; thawed, it serves again.
 */
import type { Express } from 'express';
import type { Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { DEFAULT_CONFORMANCE_DIRECTORIES, loadConformance } from '../../server/src/conformance/load-conformance';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { migrate } from '../../server/src/store/migrate';
import { createPool } from '../../server/src/store/pool';
import { mintAdminToken } from '../support/auth-tokens';
import { clusterAvailable, startCluster, TestCluster } from '../support/pg-cluster';
import { TEST_BASE_URL } from '../support/test-server';

jest.setTimeout(180_000);
const describeIfPg = clusterAvailable() ? describe : describe.skip;
const json = 'application/fhir+json';

let cluster: TestCluster;
let pool: Pool;
let app: Express;
let token: string;

beforeAll(async () => {
  if (!clusterAvailable()) return;
  loadFhirDefinitions();
  loadConformance(DEFAULT_CONFORMANCE_DIRECTORIES);
  cluster = await startCluster();
  pool = createPool(cluster.url, 10);
  await migrate(pool);
  app = createApp({ pool, baseUrl: TEST_BASE_URL, logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }), auth: { enforce: true } });
  token = await mintAdminToken(app);
});
afterAll(async () => {
  if (!cluster) return;
  await (app.locals.jobWorkers as { stop(): Promise<void> }).stop();
  await pool.end();
  await cluster.destroy();
});

const fhir = () => request(app).get('/fhir/Patient?_count=1').set('Authorization', `Bearer ${token}`);
const create = (i: number) => request(app).post('/fhir/Patient').set('Authorization', `Bearer ${token}`).set('Content-Type', json)
  .send({ resourceType: 'Patient', name: [{ family: `Fault${i}` }] });

function expectTransient(res: request.Response, what: string): void {
  expect([what, res.status, res.body.resourceType ?? res.body.error, res.headers['retry-after']]).toEqual([what, 503, expect.any(String), expect.any(String)]);
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d+|ECONNREFUSED|127\.0\.0\.1/);
}

async function until(ready: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await ready().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${ms} ms`);
}

describeIfPg('a real PostgreSQL that stops, restarts and freezes', () => {
  test('stopped: 503 with Retry-After everywhere, never 500; restarted: served again without a restart, no acknowledged write lost', async () => {
    expect((await fhir()).status).toBe(200);
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; writing; i++) {
        const res = await create(w * 100_000 + i);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push(res.body.id);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cluster.stop();

    expectTransient(await fhir(), 'FHIR search');
    expectTransient(await request(app).get('/admin/clients').set('Authorization', `Bearer ${token}`), 'admin API');
    expectTransient(await request(app).post('/auth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'test-admin' }), 'token endpoint');
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);

    await cluster.start();
    const recoveredIn = await until(async () => (await request(app).get('/readyz')).status === 200 && (await fhir()).status === 200, 60_000);
    writing = false;
    await Promise.all(writers);
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.get(503)).toBeGreaterThan(0);
    expect(recoveredIn).toBeLessThan(60_000);
    const { rows } = await pool.query('SELECT id FROM resource WHERE id = ANY($1::text[])', [acknowledged]);
    expect(rows.length).toBe(acknowledged.length); // every 201 survived the fast shutdown
  });

  test('frozen (SIGSTOP): 503 within seconds, /readyz within its deadline; thawed: served again', async () => {
    expect((await fhir()).status).toBe(200);
    await cluster.freeze();
    try {
      let started = Date.now();
      const first = await fhir();
      const firstMs = Date.now() - started;
      expectTransient(first, 'FHIR search, frozen');
      expect(firstMs).toBeLessThan(10_000);
      started = Date.now();
      const ready = await request(app).get('/readyz');
      expect([ready.status, Date.now() - started < 3_000]).toEqual([503, true]);
      started = Date.now();
      expectTransient(await fhir(), 'FHIR search, still frozen');
      expect(Date.now() - started).toBeLessThan(3_000); // once known frozen, no more waiting
    } finally {
      cluster.thaw();
    }
    await until(async () => (await fhir()).status === 200, 30_000);
    expect((await request(app).get('/readyz')).status).toBe(200);
  });
});
