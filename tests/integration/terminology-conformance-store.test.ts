import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import pino from 'pino';
import { DEFAULT_CONFORMANCE_DIRECTORIES, loadConformance } from '../../server/src/conformance/load-conformance';
import { prepareConformance } from '../../server/src/conformance/prepare-conformance';
import { storeConformanceResources } from '../../server/src/conformance/store-conformance';
import { createRepository } from '../../server/src/create-repository';
import { startTestServer, TestServer } from '../support/test-server';

const FIXTURES = path.join(__dirname, '../fixtures/terminology');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ conformanceDirectories: [FIXTURES] });
});
afterAll(() => server.close());

const fixtures = (): Resource[] => loadConformance().resources.filter((r) => (r as { url?: string }).url?.startsWith('http://example.org/fhir/'));

describe('storing our conformance content at start', () => {
  test('two replicas starting at once store each resource once; a restart writes nothing; a change adds a version', async () => {
    const resources = fixtures();
    expect(resources.length).toBeGreaterThanOrEqual(7);
    const repo = createRepository(server.pool);
    const [a, b] = await Promise.all([storeConformanceResources(repo, resources), storeConformanceResources(repo, resources)]);
    expect(a.written + b.written).toBe(resources.length);
    expect(a.unchanged + b.unchanged).toBe(resources.length);
    expect([...a.problems, ...b.problems]).toEqual([]);

    const restart = await storeConformanceResources(repo, resources);
    expect(restart).toMatchObject({ written: 0, unchanged: resources.length });
    const stored = await server.http.get('/fhir/CodeSystem/test-session-type');
    expect(stored.body.meta.versionId).toBe('1');

    const changed = resources.map((r) => (r.id === 'test-session-type' ? { ...r, title: 'Renamed' } : r));
    expect(await storeConformanceResources(repo, changed)).toMatchObject({ written: 1 });
    const history = await server.http.get('/fhir/CodeSystem/test-session-type/_history');
    expect(history.body.total ?? history.body.entry.length).toBe(2);
  });

  test('a resource without an id takes one from its url; one that is invalid is reported and not stored', async () => {
    const repo = createRepository(server.pool);
    const result = await storeConformanceResources(repo, [
      { resourceType: 'ValueSet', url: 'http://example.org/fhir/ValueSet/derived-id', status: 'draft' } as Resource,
      { resourceType: 'ValueSet', id: 'broken', url: 'http://example.org/fhir/ValueSet/broken', status: 'unheard-of' } as unknown as Resource,
    ]);
    expect(result.written).toBe(1);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].message).toMatch(/not stored, invalid: .*status/i);
    expect((await server.http.get('/fhir/ValueSet/derived-id')).status).toBe(200);
    expect((await server.http.get('/fhir/ValueSet/broken')).status).toBe(404);
  });

  test('at start, our SearchParameters are recorded once (a reindex is queued only when one is new or changed)', async () => {
    const ours = loadConformance().resources.filter((r) => r.resourceType === 'SearchParameter');
    const repo = createRepository(server.pool);
    const logger = pino({ level: 'silent' });
    await prepareConformance(repo, logger, DEFAULT_CONFORMANCE_DIRECTORIES);
    const count = async () => Number((await server.pool.query('SELECT count(*) AS n FROM search_param_state')).rows[0].n);
    const jobs = async () => Number((await server.pool.query('SELECT count(*) AS n FROM search_reindex_job')).rows[0].n);
    expect(await count()).toBe(ours.length);
    const jobsAfterFirst = await jobs();
    await prepareConformance(repo, logger, DEFAULT_CONFORMANCE_DIRECTORIES);
    expect(await count()).toBe(ours.length);
    expect(await jobs()).toBe(jobsAfterFirst);
  });
});
