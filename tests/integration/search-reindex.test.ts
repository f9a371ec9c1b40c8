/**
 * Adding a SearchParameter: writing an active one (or naming a stored one in $reindex) registers it and queues a
 * durable reindex job whose progress is reported; unusable definitions are refused; a failed batch is resumed.
 * (Resuming in another server process: search-reindex-resume.test.ts.)
 */
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
const REFERRAL = 'http://iop.example.org/fhir/StructureDefinition/referral-source';

const trackParam: SearchParameter = {
  resourceType: 'SearchParameter', url: 'http://iop.example.org/fhir/SearchParameter/patient-program-track', name: 'program-track',
  // a draft is only stored: $reindex (below) is what registers it
  status: 'draft', code: 'program-track', base: ['Patient'], type: 'token',
  description: 'The IOP program track the patient is enrolled in', expression: `Patient.extension('${TRACK}').value`,
};

async function create(resource: object): Promise<string> {
  const { resourceType } = resource as Resource;
  const res = await server.http.post(`/fhir/${resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const referralParam: SearchParameter = {
  resourceType: 'SearchParameter', id: 'patient-referral-source', url: 'http://iop.example.org/fhir/SearchParameter/patient-referral-source',
  name: 'referral-source', status: 'active', code: 'referral-source', base: ['Patient'], type: 'token',
  description: 'Who referred the patient to the program', expression: `Patient.extension('${REFERRAL}').value`,
};

const patientOnTrack = (track: string, referral?: string) => ({
  resourceType: 'Patient',
  extension: [{ url: TRACK, valueCode: track }, ...(referral ? [{ url: REFERRAL, valueCode: referral }] : [])],
});
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
  const referrals = ['self', 'gp', 'self', 'court', 'self'];
  for (const [i, track] of ['am', 'am', 'pm', 'php', 'am'].entries()) await create(patientOnTrack(track, referrals[i]));
});
afterAll(async () => {
  await stopReindexWorker();
  await server.close();
});

/** Polls the job's status (bounded: a job that never finishes fails the test with its last status, never hangs). */
async function waitForJob(statusPath: string): Promise<Parameters> {
  let body: Parameters | undefined;
  for (let i = 0; i < 600; i++) {
    const res = await server.http.get(statusPath);
    expect(res.status).toBe(200);
    body = res.body as Parameters;
    if (['done', 'failed'].includes(param(body, 'status')?.valueCode ?? '')) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`reindex job not finished after 600 polls: ${JSON.stringify(body)}`);
}

const statusByUrl = (url: string) => `/fhir/SearchParameter/$reindex?url=${encodeURIComponent(url)}`;
const putParam = (definition: SearchParameter) =>
  server.http.put(`/fhir/SearchParameter/${definition.id}`).set('Content-Type', 'application/fhir+json').send(definition);

test('writing an active SearchParameter queues a reindex job; once it is done, existing resources are found by it', async () => {
  expect((await matchCount('Patient?referral-source=self')).ignored).toBe(true);
  expect((await putParam(referralParam)).status).toBe(201);
  // The job's progress, asked for by the parameter's url (its total is fixed when it is queued).
  const queued = await server.http.get(statusByUrl(referralParam.url!));
  expect(queued.status).toBe(200);
  expect(param(queued.body, 'total')?.valueInteger).toBe(5);
  expect(['queued', 'running', 'done']).toContain(param(queued.body, 'status')?.valueCode);
  const jobId = param(queued.body, 'job')?.valueString;

  const done = await waitForJob(statusByUrl(referralParam.url!));
  expect(param(done, 'status')?.valueCode).toBe('done');
  expect(param(done, 'processed')?.valueInteger).toBe(5);
  expect(param(done, 'finished')?.valueInstant).toBeDefined();
  expect(await matchCount('Patient?referral-source=self')).toEqual({ matches: 3, ignored: false });
  expect((await matchCount('Patient?referral-source=court,gp')).matches).toBe(2);

  // Rewriting it with only its description changed leaves the index as it is: no new job.
  expect((await putParam({ ...referralParam, description: 'Referral source' })).status).toBe(200);
  expect(param((await server.http.get(statusByUrl(referralParam.url!))).body, 'job')?.valueString).toBe(jobId);

  // A changed expression queues a new job, and once it is done the index follows the new expression.
  expect((await putParam({ ...referralParam, expression: `Patient.extension('${TRACK}').value` })).status).toBe(200);
  const changed = await waitForJob(statusByUrl(referralParam.url!));
  expect(param(changed, 'job')?.valueString).not.toBe(jobId);
  expect(await matchCount('Patient?referral-source=am')).toEqual({ matches: 3, ignored: false });
  expect((await matchCount('Patient?referral-source=self')).matches).toBe(0);
  await stopReindexWorker();
});

test('a SearchParameter the indexer cannot use is refused with 422 and changes nothing; a draft is only stored', async () => {
  const refused = [
    { ...referralParam, id: 'bad-expression', url: 'http://iop.example.org/fhir/SearchParameter/bad-expression', code: 'bad-expression', expression: "Patient.extension('x'" },
    { ...referralParam, id: 'taken-code', url: 'http://iop.example.org/fhir/SearchParameter/taken-code', code: 'name' },
    { ...referralParam, id: 'no-such-base', url: 'http://iop.example.org/fhir/SearchParameter/no-such-base', code: 'warp', base: ['Spaceship'] },
  ];
  for (const definition of refused) {
    const res = await putParam(definition as SearchParameter);
    expect([res.status, res.body.resourceType]).toEqual([422, 'OperationOutcome']);
    expect((await server.http.get(`/fhir/SearchParameter/${definition.id}`)).status).toBe(404);
    expect((await server.http.get(statusByUrl(definition.url))).status).toBe(404);
  }
  expect((await matchCount('Patient?bad-expression=x')).ignored).toBe(true);
  expect((await matchCount('Patient?name=zzz-nobody')).ignored).toBe(false); // the R4 name parameter still answers

  const draft = { ...referralParam, id: 'draft-param', url: 'http://iop.example.org/fhir/SearchParameter/draft-param', code: 'draft-param', status: 'draft' as const };
  expect((await putParam(draft)).status).toBe(201);
  expect((await matchCount('Patient?draft-param=self')).ignored).toBe(true);
  expect((await server.http.get(statusByUrl(draft.url))).status).toBe(404);
});

test('an active SearchParameter in a transaction that fails is not registered anywhere', async () => {
  const definition = { ...referralParam, id: 'rolled-back', url: 'http://iop.example.org/fhir/SearchParameter/rolled-back', code: 'rolled-back' };
  const orgId = await create({ resourceType: 'Organization', name: 'Clinic' });
  // The stale If-Match fails the second entry when it runs, after the SearchParameter has been written.
  const res = await server.http.post('/fhir').set('Content-Type', 'application/fhir+json').send({
    resourceType: 'Bundle', type: 'transaction', entry: [
      { resource: definition, request: { method: 'PUT', url: 'SearchParameter/rolled-back' } },
      { resource: { resourceType: 'Organization', id: orgId }, request: { method: 'PUT', url: `Organization/${orgId}`, ifMatch: 'W/"9"' } },
    ],
  });
  expect(res.status).toBe(412);
  expect(res.body.issue[0].diagnostics).toContain('entry 1');
  expect((await server.http.get('/fhir/SearchParameter/rolled-back')).status).toBe(404);
  expect((await server.http.get(statusByUrl(definition.url))).status).toBe(404);
  expect((await matchCount('Patient?rolled-back=self')).ignored).toBe(true);
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
