/**
 * Bulk Data `$import`, ping and pull (docs/bulk-data.md): the server pulls NDJSON files from a real HTTP server in
 * this test (with the client's bearer token), validates every line, loads each file all-or-nothing with a per-line
 * report, keeps ids, and resumes a job another worker left.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OperationOutcome, Parameters, Resource } from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import type { JobWorkers } from '../../server/src/jobs/job-workers';
import { ImportWorker } from '../../server/src/jobs/import-worker';
import { startTestServer, TestServer } from '../support/test-server';

const BEARER = 'file-server-secret';
let server: TestServer;
let files: Server;
let filesBase: string;
const served = new Map<string, string>();
/** Paths whose answer waits until the test releases it. */
const held = new Map<string, { arrived: () => void; released: Promise<void> }>();

beforeAll(async () => {
  server = await startTestServer();
  files = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = () => {
      if (req.headers.authorization !== `Bearer ${BEARER}`) return void res.writeHead(401).end('no');
      const body = served.get(req.url ?? '');
      if (body === undefined) return void res.writeHead(404).end('not here');
      res.writeHead(200, { 'content-type': 'application/fhir+ndjson' }).end(body);
    };
    const hold = held.get(req.url ?? '');
    if (!hold) return send();
    hold.arrived();
    void hold.released.then(send);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => files.close(resolve));
  await server.close();
});

const workers = () => server.app.locals.jobWorkers as JobWorkers;
const ndjson = (resources: object[]) => resources.map((r) => JSON.stringify(r)).join('\n') + '\n';
const patient = (id: string, family: string) => ({ resourceType: 'Patient', id, name: [{ family, given: ['Imported'] }] });
const observation = (id: string, subject: string, value: number) => ({
  resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
  subject: { reference: `Patient/${subject}` }, effectiveDateTime: '2024-02-01T09:00:00Z',
  valueQuantity: { value, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
});

function importParameters(inputs: { type: string; path: string }[], bearer: string | undefined = BEARER): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'inputFormat', valueCode: 'application/fhir+ndjson' },
      { name: 'inputSource', valueUri: filesBase },
      { name: 'storageDetail', part: [{ name: 'type', valueCode: 'https' }, ...(bearer ? [{ name: 'bearerToken', valueString: bearer }] : [])] },
      ...inputs.map((i) => ({ name: 'input', part: [{ name: 'type', valueCode: i.type }, { name: 'url', valueUri: `${filesBase}${i.path}` }] })),
    ],
  };
}

async function kickOff(body: Parameters, agent = server.http) {
  return agent.post('/fhir/$import').set('Content-Type', 'application/fhir+json').set('Prefer', 'respond-async').send(body);
}

/** Kicks off, waits for this process's worker, and returns the final status body. */
async function runImport(inputs: { type: string; path: string }[]) {
  const res = await kickOff(importParameters(inputs));
  expect(res.status).toBe(202);
  const status = new URL(res.headers['content-location']).pathname;
  await workers().import.idle();
  const done = await server.http.get(status).expect(200);
  return { status, body: done.body as { output: { url: string; count: number; inputUrl: string }[]; error: { url: string; count: number; inputUrl: string }[] } };
}

async function report(url: string): Promise<OperationOutcome[]> {
  const text = (await server.http.get(new URL(url).pathname).expect(200)).text;
  expect(text.endsWith('\n')).toBe(true);
  return text.trim().split('\n').map((line) => JSON.parse(line) as OperationOutcome);
}

describe('$import', () => {
  test('pulls files with the bearer token, keeps ids and indexes, reports each input and forgets the token', async () => {
    served.set('/a/Patient.ndjson', ndjson([patient('imp-pat-1', 'Importa'), patient('imp-pat-2', 'Importb')]));
    served.set('/a/Observation.ndjson', ndjson([observation('imp-obs-1', 'imp-pat-1', 12), observation('imp-obs-2', 'imp-pat-1', 21), observation('imp-obs-3', 'imp-pat-2', 3)]));
    const { status, body } = await runImport([{ type: 'Patient', path: '/a/Patient.ndjson' }, { type: 'Observation', path: '/a/Observation.ndjson' }]);
    expect(body.error).toEqual([]);
    expect(body.output.map((o) => [o.inputUrl.replace(filesBase, ''), o.count])).toEqual([['/a/Patient.ndjson', 2], ['/a/Observation.ndjson', 3]]);
    expect((await report(body.output[1].url))[0].issue[0].diagnostics).toMatch(/^Loaded 3 Observation resources from /);
    const read = await server.http.get('/fhir/Patient/imp-pat-1').expect(200);
    expect(read.body.name[0].family).toBe('Importa');
    const found = await server.http.get('/fhir/Observation?subject=Patient/imp-pat-1&value-quantity=gt20').expect(200);
    expect(found.body.entry.map((e: { resource: Resource }) => e.resource.id)).toEqual(['imp-obs-2']);
    const job = await server.pool.query('SELECT bearer_token FROM bulk_import_job WHERE id = $1', [status.split('/').pop()]);
    expect(job.rows[0].bearer_token).toBeNull();
    const audited = await server.pool.query(`SELECT count(*)::int AS n FROM audit_event WHERE content->'subtype'->0->>'code' = 'import'`);
    expect(audited.rows[0].n).toBe(2);
  });

  test('a file with bad lines is rejected whole, with one OperationOutcome per failing line; the other input still loads', async () => {
    served.set('/b/Patient.ndjson', [
      JSON.stringify(patient('imp-bad-1', 'Fine')),
      '{"resourceType": "Patient", "id": "imp-bad-2", ',
      JSON.stringify({ resourceType: 'Patient', id: 'imp-bad-3', gender: 'sometimes' }),
      JSON.stringify(observation('imp-bad-4', 'imp-bad-1', 1)),
      JSON.stringify(patient('imp-bad-1', 'Again')),
    ].join('\n'));
    served.set('/b/Good.ndjson', ndjson([patient('imp-good-1', 'Good')]));
    const { body } = await runImport([{ type: 'Patient', path: '/b/Patient.ndjson' }, { type: 'Patient', path: '/b/Good.ndjson' }]);
    expect(body.output.map((o) => o.count)).toEqual([1]);
    expect(body.error).toHaveLength(1);
    const problems = await report(body.error[0].url);
    expect(problems.map((p) => p.extension?.[0].valueInteger)).toEqual([2, 3, 4, 5]);
    expect(problems[0].issue[0].diagnostics).toMatch(/^Line 2 is not JSON/);
    expect(problems[1].issue[0].diagnostics).toMatch(/^Line 3: .*gender/i);
    expect(problems[2].issue[0].diagnostics).toMatch(/^Line 4 is a Observation; this input holds Patient resources/);
    expect(problems[3].issue[0].diagnostics).toMatch(/^Line 5 repeats the id imp-bad-1 of line 1/);
    await server.http.get('/fhir/Patient/imp-bad-1').expect(404);
    await server.http.get('/fhir/Patient/imp-good-1').expect(200);
  });

  test('an input that cannot be fetched (404, wrong token, closed port) is reported and the job completes', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone.ndjson`;
    await new Promise((resolve) => closed.close(resolve));
    const res = await kickOff({
      ...importParameters([{ type: 'Patient', path: '/missing.ndjson' }]),
    });
    expect(res.status).toBe(202);
    await workers().import.idle();
    const missing = (await server.http.get(new URL(res.headers['content-location']).pathname).expect(200)).body;
    expect((await report(missing.error[0].url))[0].issue[0].diagnostics).toMatch(/answered 404/);
    served.set('/c/Patient.ndjson', ndjson([patient('imp-c-1', 'Token')]));
    const wrongToken = await kickOff(importParameters([{ type: 'Patient', path: '/c/Patient.ndjson' }], 'wrong'));
    const unreachable = await kickOff({ resourceType: 'Parameters', parameter: [{ name: 'input', part: [{ name: 'type', valueCode: 'Patient' }, { name: 'url', valueUri: closedUrl }] }] });
    await workers().import.idle();
    const refused = (await server.http.get(new URL(wrongToken.headers['content-location']).pathname).expect(200)).body;
    expect((await report(refused.error[0].url))[0].issue[0].diagnostics).toMatch(/answered 401/);
    const down = (await server.http.get(new URL(unreachable.headers['content-location']).pathname).expect(200)).body;
    expect((await report(down.error[0].url))[0].issue[0].diagnostics).toMatch(/failed: .*ECONNREFUSED/);
    await server.http.get('/fhir/Patient/imp-c-1').expect(404);
  });

  test('importing an id again stores a new version of it, not a second resource', async () => {
    served.set('/d/Patient.ndjson', ndjson([patient('imp-d-1', 'First')]));
    await runImport([{ type: 'Patient', path: '/d/Patient.ndjson' }]);
    served.set('/d/Patient.ndjson', ndjson([patient('imp-d-1', 'Second'), patient('imp-d-2', 'New')]));
    const { body } = await runImport([{ type: 'Patient', path: '/d/Patient.ndjson' }]);
    expect(body.output[0].count).toBe(2);
    const read = await server.http.get('/fhir/Patient/imp-d-1').expect(200);
    expect([read.body.meta.versionId, read.body.name[0].family]).toEqual(['2', 'Second']);
    const history = await server.http.get('/fhir/Patient/imp-d-1/_history').expect(200);
    expect(history.body.total ?? history.body.entry.length).toBe(2);
  });
});

async function loadedInputs(jobId: string): Promise<number[]> {
  const rows = await server.pool.query('SELECT input_index FROM bulk_import_file WHERE job_id = $1 AND status = $2 ORDER BY input_index', [jobId, 'loaded']);
  return rows.rows.map((r) => r.input_index as number);
}

describe('$import in the CapabilityStatement', () => {
  test('the system-level operation is listed with its OperationDefinition', async () => {
    const metadata = await server.http.get('/fhir/metadata').expect(200);
    const operations = metadata.body.rest[0].operation as { name: string; definition: string }[];
    expect(operations).toEqual(expect.arrayContaining([{ name: 'import', definition: 'http://iop-fhir.org/fhir/OperationDefinition/import' }]));
  });
});

describe('$import kick-off refusals', () => {
  const one = [{ type: 'Patient', path: '/x.ndjson' }];
  test('without Prefer: respond-async, with a non-http url, file storage not enabled, or a type that cannot be imported: 400', async () => {
    const noPrefer = await server.http.post('/fhir/$import').set('Content-Type', 'application/fhir+json').send(importParameters(one));
    expect([noPrefer.status, noPrefer.body.issue[0].diagnostics]).toEqual([400, expect.stringMatching(/Prefer: respond-async/)]);
    const ftp = await kickOff({ resourceType: 'Parameters', parameter: [{ name: 'input', part: [{ name: 'type', valueCode: 'Patient' }, { name: 'url', valueUri: 'ftp://example.org/a' }] }] });
    expect([ftp.status, ftp.body.issue[0].diagnostics]).toEqual([400, expect.stringMatching(/http\(s\) URL/)]);
    const file = await kickOff({ resourceType: 'Parameters', parameter: [
      { name: 'storageDetail', part: [{ name: 'type', valueCode: 'file' }] },
      { name: 'input', part: [{ name: 'type', valueCode: 'Patient' }, { name: 'url', valueUri: 'file:///etc/passwd' }] }] });
    expect([file.status, file.body.issue[0].diagnostics]).toEqual([400, expect.stringMatching(/IMPORT_FILE_ROOT/)]);
    const audit = await kickOff({ resourceType: 'Parameters', parameter: [{ name: 'input', part: [{ name: 'type', valueCode: 'AuditEvent' }, { name: 'url', valueUri: `${filesBase}/a` }] }] });
    expect([audit.status, audit.body.issue[0].diagnostics]).toEqual([400, expect.stringMatching(/AuditEvent resources cannot be imported/)]);
    const none = await kickOff({ resourceType: 'Parameters', parameter: [] });
    expect(none.status).toBe(400);
  });

  test('a token that may not create and update every resource of a type: 403, and no job', async () => {
    const readOnly = await server.as('system/Patient.rs');
    const before = (await server.pool.query('SELECT count(*)::int AS n FROM bulk_import_job')).rows[0].n;
    const res = await kickOff(importParameters(one), readOnly);
    expect(res.status).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/Importing Patient needs a scope/);
    expect((await server.pool.query('SELECT count(*)::int AS n FROM bulk_import_job')).rows[0].n).toBe(before);
  });

  test('only the requester sees the status of an import', async () => {
    served.set('/f/Patient.ndjson', ndjson([patient('imp-f-1', 'Mine')]));
    const { status } = await runImport([{ type: 'Patient', path: '/f/Patient.ndjson' }]);
    const other = await server.as('user/*.cruds', { adminUser: true });
    await other.get(status).expect(404);
    await server.anonymous.get(status).expect(401);
  });
});

describe('$import resumption', () => {
  test('a job left by a stopped worker is resumed by another at the first input not loaded, loading nothing twice', async () => {
    served.set('/e/1.ndjson', ndjson([patient('imp-e-1', 'One')]));
    served.set('/e/2.ndjson', ndjson([patient('imp-e-2', 'Two')]));
    served.set('/e/3.ndjson', ndjson([patient('imp-e-3', 'Three')]));
    const gate = holdPath('/e/2.ndjson');
    await workers().import.stop(); // this process's worker takes no part from here on (this is the file's last test)
    const res = await kickOff(importParameters([1, 2, 3].map((n) => ({ type: 'Patient', path: `/e/${n}.ndjson` }))));
    const jobId = new URL(res.headers['content-location']).pathname.split('/').pop()!;
    const first = new ImportWorker(createRepository(server.pool), server.pool);
    first.wake();
    await gate.arrived; // the first input is loaded, the second is being fetched
    const stopping = first.stop(); // it finishes the input in flight, then stops before the third
    gate.release();
    await stopping;
    expect(await loadedInputs(jobId)).toEqual([0, 1]);
    await server.pool.query(`UPDATE bulk_import_job SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [jobId]);
    const second = new ImportWorker(createRepository(server.pool), server.pool);
    second.wake();
    await second.idle();
    expect(await loadedInputs(jobId)).toEqual([0, 1, 2]);
    const rows = await server.pool.query(`SELECT id, version_id FROM resource WHERE id LIKE 'imp-e-%' ORDER BY id`);
    expect(rows.rows).toEqual([{ id: 'imp-e-1', version_id: 1 }, { id: 'imp-e-2', version_id: 1 }, { id: 'imp-e-3', version_id: 1 }]);
    const status = await server.http.get(`/fhir/bulk-import/${jobId}`).expect(200);
    expect(status.body.output).toHaveLength(3);
  });
});

function holdPath(path: string): { arrived: Promise<void>; release: () => void } {
  let arrived!: () => void;
  let release!: () => void;
  const arrival = new Promise<void>((resolve) => { arrived = resolve; });
  const released = new Promise<void>((resolve) => { release = resolve; });
  held.set(path, { arrived, released });
  return { arrived: arrival, release };
}
