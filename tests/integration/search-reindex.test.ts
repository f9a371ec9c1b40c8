/** Adding a SearchParameter: registration, a durable reindex job with progress, resuming after a failed batch. */
import type { Parameters, Resource, SearchParameter } from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import { registerSearchParameters } from '../../server/src/search/reindex/param-state';
import { enqueueReindex, readReindexJob, runReindexBatch } from '../../server/src/search/reindex/reindex-job';
import { ensureReindexWorker, stopReindexWorker } from '../../server/src/search/reindex/reindex-worker';
import { Repository } from '../../server/src/store/repository';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
let repo: Repository;
const TRACK = 'http://iop.example.org/fhir/StructureDefinition/program-track';

const trackParam: SearchParameter = {
  resourceType: 'SearchParameter', url: 'http://iop.example.org/fhir/SearchParameter/patient-program-track', name: 'program-track',
  status: 'active', code: 'program-track', base: ['Patient'], type: 'token',
  description: 'The IOP program track the patient is enrolled in', expression: `Patient.extension('${TRACK}').value`,
};

async function create(resource: object): Promise<string> {
  const { resourceType } = resource as Resource;
  const res = await server.http.post(`/fhir/${resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const patientOnTrack = (track: string) => ({ resourceType: 'Patient', extension: [{ url: TRACK, valueCode: track }] });
const param = (body: Parameters, name: string) => body.parameter?.find((p) => p.name === name);

async function matchCount(url: string): Promise<{ matches: number; ignored: boolean }> {
  const res = await server.http.get(`/fhir/${url}`);
  expect(res.status).toBe(200);
  const entries = res.body.entry ?? [];
  return {
    matches: entries.filter((e: { search: { mode: string } }) => e.search.mode === 'match').length,
    ignored: entries.some((e: { search: { mode: string } }) => e.search.mode === 'outcome'),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  repo = createRepository(server.pool);
  for (const track of ['am', 'am', 'pm', 'php', 'am']) await create(patientOnTrack(track));
});
afterAll(async () => {
  await stopReindexWorker();
  await server.close();
});

test('$reindex registers a stored SearchParameter and a job reindexes existing resources, reporting progress', async () => {
  expect((await matchCount('Patient?program-track=am')).ignored).toBe(true);
  await create(trackParam);
  const started = await server.http.post('/fhir/SearchParameter/$reindex').set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: trackParam.url }] });
  expect(started.status).toBe(202);
  const location: string = started.headers['content-location'];
  expect(location).toMatch(/\/SearchParameter\/\$reindex\?job=\d+$/);
  expect(param(started.body, 'status')?.valueCode).toBe('queued');
  expect(param(started.body, 'total')?.valueInteger).toBe(5);

  // Registered in this process already: a new write is indexed as it is written, old ones by the job.
  await create(patientOnTrack('am'));

  // $reindex started this process's worker; drain it rather than wait for its next round.
  await ensureReindexWorker(repo).drain();
  const status = await server.http.get(location.replace(server.baseUrl, '/fhir'));
  expect(status.status).toBe(200);
  expect(param(status.body, 'status')?.valueCode).toBe('done');
  expect(param(status.body, 'processed')?.valueInteger).toBeGreaterThanOrEqual(5);
  expect(await matchCount('Patient?program-track=am')).toEqual({ matches: 4, ignored: false });
  expect((await matchCount('Patient?program-track:not=am')).matches).toBe(2);
});

test('loading the same definition again queues nothing; a changed one queues a job for its base types', async () => {
  expect(await registerSearchParameters(repo, [trackParam])).toEqual({ changed: [] });
  const changed = { ...trackParam, expression: `Patient.extension('${TRACK}').value | Patient.extension('${TRACK}-old').value` };
  const result = await registerSearchParameters(repo, [changed]);
  expect(result.changed).toEqual([trackParam.url]);
  // registerSearchParameters started this process's worker; stop it so the batches below are the only ones.
  await stopReindexWorker();
  const job = await readReindexJob(repo, result.jobId!);
  expect(job).toMatchObject({ resourceTypes: ['Patient'] });
  while ((await runReindexBatch(repo, 100))?.status === 'running') { /* until done */ }
  expect((await readReindexJob(repo, result.jobId!))?.status).toBe('done');
});

test('a batch that fails leaves no trace and the job resumes from its last committed batch', async () => {
  const jobId = await enqueueReindex(repo, ['Patient'], 'resume test');
  const first = await runReindexBatch(repo, 3);
  expect(first).toMatchObject({ id: jobId, status: 'running', processed: 3 });
  const failing = new Repository(server.pool, { extractIndex: () => { throw new Error('disk on fire'); } });
  await expect(runReindexBatch(failing, 3)).rejects.toThrow('disk on fire');
  expect(await readReindexJob(repo, jobId)).toMatchObject({ status: 'running', processed: 3, lastResId: first!.lastResId });
  expect((await matchCount('Patient?program-track=am')).matches).toBe(4);
  const rest = await runReindexBatch(repo, 100);
  expect(rest).toMatchObject({ status: 'done', processed: 6 });
});

test('$reindex input errors are OperationOutcomes', async () => {
  const send = (parameter: object[]) => server.http.post('/fhir/SearchParameter/$reindex').set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Parameters', parameter });
  const unknown = await send([{ name: 'url', valueUri: 'http://nowhere.example/SearchParameter/x' }]);
  expect(unknown.status).toBe(404);
  expect(unknown.body.resourceType).toBe('OperationOutcome');
  const badType = await send([{ name: 'resourceType', valueCode: 'Spaceship' }]);
  expect(badType.status).toBe(400);
  const noJob = await server.http.get('/fhir/SearchParameter/$reindex?job=999999');
  expect(noJob.status).toBe(404);
  const byType = await server.http.post('/fhir/SearchParameter/$reindex?resourceType=Patient');
  expect(byType.status).toBe(202);
});
