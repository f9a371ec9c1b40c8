/**
 * A reindex job outlives the process that started it: this process queues the job (by writing an active
 * SearchParameter) and runs one batch, then its worker stops; a second server process (`server/src/main.ts`, as
 * `npm start` runs it) on the same database learns the definition from the database, continues the job from its last
 * committed batch and completes it, and answers searches by the new parameter.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Parameters, SearchParameter } from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import { readReindexJob, runReindexBatch } from '../../server/src/search/reindex/reindex-job';
import { ensureReindexWorker, stopReindexWorker } from '../../server/src/search/reindex/reindex-worker';
import type { Repository } from '../../server/src/store/repository';
import { startTestServer, TestServer } from '../support/test-server';

jest.setTimeout(300_000); // the second process starts the way `npm start` does, on a machine shared with other tests

const ROOT = path.resolve(__dirname, '../..');
const COHORT = 'http://iop.example.org/fhir/StructureDefinition/intake-cohort';
const cohortParam: SearchParameter = {
  resourceType: 'SearchParameter', id: 'patient-intake-cohort', url: 'http://iop.example.org/fhir/SearchParameter/patient-intake-cohort',
  name: 'intake-cohort', status: 'active', code: 'intake-cohort', base: ['Patient'], type: 'token',
  description: 'The intake cohort of the patient', expression: `Patient.extension('${COHORT}').value`,
};
const COHORTS = ['2026-q1', '2026-q2', '2026-q1', '2026-q3', '2026-q1', '2026-q2', '2026-q1'];

let server: TestServer;
let repo: Repository;
let second: ChildProcess | undefined;

const param = (body: Parameters, name: string) => body.parameter?.find((p) => p.name === name);
const statusPath = `/fhir/SearchParameter/$reindex?url=${encodeURIComponent(cohortParam.url!)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startTestServer();
  repo = createRepository(server.pool);
  for (const cohort of COHORTS) {
    const res = await server.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient', extension: [{ url: COHORT, valueCode: cohort }] });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await stopReindexWorker();
  if (second && second.exitCode === null) {
    const exited = new Promise((resolve) => second!.once('exit', resolve));
    second.kill('SIGTERM');
    await exited;
  }
  await server.close();
});

/** Starts `server/src/main.ts` on the test database; resolves with its origin once /readyz answers. */
async function startSecondProcess(): Promise<string> {
  const databaseUrl = (server.pool as unknown as { options: { connectionString: string } }).options.connectionString;
  second = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    // AUTH=off: this test reads the second process's answers directly; authorization has its own tests.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', DEMO: '0', AUTH: 'off', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = second;
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"port":(\d+)[^\n]*"iop-fhir listening"/.exec(buffered);
      if (match) resolve(Number(match[1]));
      buffered = buffered.slice(-4096);
    });
    child.on('exit', (code) => reject(new Error(`second server exited with ${code} before listening`)));
  });
  child.stdout!.resume();
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (await fetch(`${origin}/readyz`).then((r) => r.ok, () => false)) return origin;
    await sleep(100);
  }
  throw new Error('second server did not become ready');
}

test('a job started in one process is continued from its last committed batch by another process and completes', async () => {
  // This process's worker exists but stays idle: the one batch below is all the work this process does.
  await ensureReindexWorker(repo, { intervalMs: 3_600_000 }).drain();
  const put = await server.http.put(`/fhir/SearchParameter/${cohortParam.id}`).set('Content-Type', 'application/fhir+json').send(cohortParam);
  expect(put.status).toBe(201);
  const queued = await server.http.get(statusPath);
  expect(param(queued.body, 'status')?.valueCode).toBe('queued');
  const total = param(queued.body, 'total')?.valueInteger;
  expect(total).toBe(COHORTS.length);
  const jobId = param(queued.body, 'job')!.valueString!;

  const first = await runReindexBatch(repo, 3);
  expect(first).toMatchObject({ id: jobId, status: 'running', processed: 3 });
  await stopReindexWorker(); // this process is done with it, as if it had been stopped or had crashed

  const origin = await startSecondProcess();
  let status: Parameters | undefined;
  for (let i = 0; i < 1200; i++) { // bounded: the second process's worker picks the job up within a round or two
    status = (await server.http.get(statusPath)).body as Parameters;
    if (param(status, 'status')?.valueCode === 'done') break;
    await sleep(100);
  }
  expect(param(status!, 'status')?.valueCode).toBe('done');
  // Continued, not restarted: the first 3 resources were not processed again.
  expect(param(status!, 'processed')?.valueInteger).toBe(total);
  expect((await readReindexJob(repo, jobId))?.lastResId).not.toBe(first!.lastResId);

  // The second process learned the definition from the database and answers by it.
  const answer = await fetch(`${origin}/fhir/Patient?intake-cohort=2026-q1`).then((r) => r.json()) as { entry?: { search: { mode: string } }[] };
  expect(answer.entry?.filter((e) => e.search.mode === 'match')).toHaveLength(4);
  expect(answer.entry?.some((e) => e.search.mode === 'outcome')).toBe(false);
  // And every resource is indexed for it, whichever process did the batch.
  const here = await server.http.get('/fhir/Patient?intake-cohort=2026-q2,2026-q3');
  expect(here.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match')).toHaveLength(3);
});
