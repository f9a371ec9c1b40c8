import { buildDemoBundle } from '../../server/src/demo/demo-bundle';
import { seedDemoData } from '../../server/src/demo/seed-demo';
import { createRepository } from '../../server/src/create-repository';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

test('the demo organisation seeds once through the transaction handler, and a second run writes nothing', async () => {
  const now = new Date('2026-11-02T12:00:00Z');
  const ctx = { repo: createRepository(server.pool), baseUrl: server.baseUrl, requestId: 'test' };
  const written = await seedDemoData(ctx, now);
  expect(written).toBe(buildDemoBundle(now).entry!.length);
  expect(await seedDemoData(ctx, now)).toBe(0);
  const count = async (type: string) =>
    (await server.pool.query('SELECT count(*)::int AS n FROM resource WHERE resource_type = $1', [type])).rows[0].n;
  expect(await count('Patient')).toBe(30);
  expect(await count('HealthcareService')).toBe(4);
  expect(await count('Location')).toBe(2);
  expect(await count('EpisodeOfCare')).toBe(30);
  const phq = await server.http.get('/fhir/Observation?code=http://loinc.org|44261-6&_count=1&_total=accurate');
  expect(phq.body.total).toBeGreaterThan(30);
});
