/**
 * Bulk Data $export (system, Patient, Group) through real HTTP and PostgreSQL: the checks of CONFORMANCE.md B.2–B.11
 * and D.8–D.10 that apply to us, the access filter on exported rows, snapshot semantics at transactionTime, and a
 * job taken over from a worker that stopped.
 */
import type { Observation } from '@medplum/fhirtypes';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import { ExportWorker } from '../../server/src/jobs/export-worker';
import type { JobWorkers } from '../../server/src/jobs/job-workers';
import { appendExportPage, claimExportJob, findExportJob } from '../../server/src/jobs/export-job-store';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
const ids: Record<string, string> = {};
const PHQ9 = { coding: [{ system: 'http://loinc.org', code: '44261-6' }] };
const GAD7 = { coding: [{ system: 'http://loinc.org', code: '70274-6' }] };

beforeAll(async () => {
  server = await startTestServer();
  for (const name of ['A', 'B', 'C']) {
    const patient = await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: `Export${name}` }] }).expect(201);
    ids[name] = patient.body.id;
    for (const code of [PHQ9, GAD7]) {
      await server.http.post('/fhir/Observation').send(observation(ids[name], code)).expect(201);
    }
  }
  const practitioner = await server.http.post('/fhir/Practitioner').send({ resourceType: 'Practitioner', name: [{ family: 'Facilitator' }] }).expect(201);
  ids.practitioner = practitioner.body.id;
  const group = await server.http.post('/fhir/Group').send({
    resourceType: 'Group', type: 'person', actual: true,
    member: [{ entity: { reference: `Patient/${ids.A}` } }, { entity: { reference: `Patient/${ids.B}` } }, { entity: { reference: `Patient/${ids.C}` }, inactive: true }],
  }).expect(201);
  ids.group = group.body.id;
});

afterAll(async () => {
  await server.close();
});

function observation(patientId: string, code: typeof PHQ9): Observation {
  return { resourceType: 'Observation', status: 'final', code, subject: { reference: `Patient/${patientId}` }, effectiveDateTime: '2026-11-02', valueInteger: 7 };
}

/** Kick-off → wait for the worker → manifest. */
async function runExport(path: string, agent = server.http): Promise<{ statusUrl: string; manifest: Manifest }> {
  const kickOff = await agent.get(path).set('Accept', 'application/fhir+json').set('Prefer', 'respond-async').expect(202);
  const statusUrl = kickOff.headers['content-location'] as string;
  expect(statusUrl).toMatch(/^http:\/\/.+\/fhir\/bulk-export\/[0-9a-f-]{36}$/);
  await finishJobs();
  const status = await agent.get(relative(statusUrl)).set('Accept', 'application/json').expect(200);
  expect(status.headers['content-type']).toContain('application/json');
  return { statusUrl, manifest: status.body as Manifest };
}

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

/** Lets this app's worker finish, then a worker of "another process" take whatever is left (if ours was stopped). */
async function finishJobs(): Promise<void> {
  await exportWorker().idle();
  const other = startOtherWorker();
  other.wake();
  await other.idle();
  await other.stop();
}

function exportWorker(): ExportWorker {
  return (server.app.locals.jobWorkers as JobWorkers).export;
}

function relative(url: string): string {
  return new URL(url).pathname + new URL(url).search;
}

async function download(url: string, agent = server.http): Promise<Record<string, unknown>[]> {
  const response = await agent.get(relative(url)).set('Accept', 'application/fhir+ndjson').buffer(true).parse((res, done) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    res.on('end', () => done(null, text));
  }).expect(200);
  expect(response.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
  return (response.body as string).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

describe('discovery (B.2)', () => {
  test('the CapabilityStatement instantiates the Bulk Data IG and lists $export at system, Patient and Group level', async () => {
    const { body } = await server.http.get('/fhir/metadata').expect(200);
    const statement = body as CapabilityStatement;
    expect(statement.instantiates).toContain('http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data');
    const rest = statement.rest![0];
    expect(rest.operation).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' });
    const opsOf = (type: string) => rest.resource!.find((r) => r.type === type)!.operation ?? [];
    expect(opsOf('Group')).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' });
    expect(opsOf('Patient')).toContainEqual({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' });
  });
});

describe('Group export (B.3–B.9, D.8, D.9)', () => {
  test('kick-off without a token is refused with 401 (B.3)', async () => {
    const res = await server.anonymous.get(`/fhir/Group/${ids.group}/$export`).set('Accept', 'application/fhir+json').set('Prefer', 'respond-async').expect(401);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  test('202, status, manifest with absolute URLs, NDJSON files of the active members only (B.4–B.6, B.8, B.9)', async () => {
    const { manifest } = await runExport(`/fhir/Group/${ids.group}/$export`);
    expect(Object.keys(manifest).sort()).toEqual(['error', 'output', 'request', 'requiresAccessToken', 'transactionTime']);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.request).toBe(`${server.baseUrl}/Group/${ids.group}/$export`);
    expect(manifest.error).toEqual([]);
    // The Group is in its members' compartments, so it travels with them.
    expect(manifest.output.map((o) => o.type).sort()).toEqual(['Group', 'Observation', 'Patient']);
    for (const file of manifest.output) {
      expect(file.url).toMatch(/^https?:\/\//);
      const resources = await download(file.url);
      expect(resources.length).toBe(file.count);
      for (const resource of resources) expect(resource.resourceType).toBe(file.type);
    }
    const patients = await download(manifest.output.find((o) => o.type === 'Patient')!.url);
    expect(patients.map((p) => p.id).sort()).toEqual([ids.A, ids.B].sort());
    const observations = await download(manifest.output.find((o) => o.type === 'Observation')!.url) as unknown as Observation[];
    expect(new Set(observations.map((o) => o.subject?.reference))).toEqual(new Set([`Patient/${ids.A}`, `Patient/${ids.B}`]));
    expect(observations).toHaveLength(4);
  });

  test('a file cannot be downloaded without the token (B.7) nor by another client or user', async () => {
    const { manifest } = await runExport(`/fhir/Group/${ids.group}/$export`);
    const url = relative(manifest.output[0].url);
    const anonymous = await server.anonymous.get(url).set('Accept', 'application/fhir+ndjson').expect(401);
    expect(anonymous.body.resourceType).toBe('OperationOutcome');
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    await download(manifest.output[0].url);
    const { rows: audited } = await server.pool.query("SELECT content FROM audit_event WHERE content::text LIKE '%bulk-export%' AND content::text LIKE $1", [`%${manifest.output[0].url.split('/').slice(-2, -1)[0]}: ${manifest.output[0].type} file downloaded%`]);
    expect(audited.length).toBeGreaterThan(0);
    const someoneElse = await server.as('user/*.rs', { adminUser: true });
    await someoneElse.get(url).set('Accept', 'application/fhir+ndjson').expect(404);
  });

  test('status polling while the job waits answers 202 with Retry-After and X-Progress (B.5)', async () => {
    await exportWorker().stop(); // this process's worker stops: the job waits
    const kickOff = await server.http.get('/fhir/$export?_type=Patient').set('Prefer', 'respond-async').expect(202);
    const pending = await server.http.get(relative(kickOff.headers['content-location'])).set('Accept', 'application/json').expect(202);
    expect(Number(pending.headers['retry-after'])).toBeGreaterThan(0);
    expect(pending.headers['x-progress']).toBeTruthy();
    await finishJobs(); // a worker of "another process" picks it up
    await server.http.get(relative(kickOff.headers['content-location'])).set('Accept', 'application/json').expect(200);
  });

  test('an unknown or unreadable Group answers 404', async () => {
    await server.http.get('/fhir/Group/does-not-exist/$export').set('Prefer', 'respond-async').expect(404);
  });
});

describe('cancel and parameters (B.10, B.11)', () => {
  test('DELETE cancels (202); the status URL then answers 404 with an OperationOutcome', async () => {
    const kickOff = await server.http.get('/fhir/Patient/$export').set('Prefer', 'respond-async').expect(202);
    const statusUrl = relative(kickOff.headers['content-location']);
    await server.http.delete(statusUrl).set('Accept', 'application/json').expect(202);
    const gone = await server.http.get(statusUrl).set('Accept', 'application/json').expect(404);
    expect(gone.body.resourceType).toBe('OperationOutcome');
    await server.http.delete(statusUrl).expect(404);
  });

  test.each(['application/fhir+ndjson', 'application/ndjson', 'ndjson'])('_outputFormat=%s is accepted', async (format) => {
    const kickOff = await server.http.get(`/fhir/Patient/$export?_outputFormat=${encodeURIComponent(format)}`).set('Prefer', 'respond-async').expect(202);
    await server.http.delete(relative(kickOff.headers['content-location'])).expect(202);
  });

  test('_since with a UTC offset is accepted; bad formats, bad _since and a missing Prefer are 400', async () => {
    const since = encodeURIComponent(new Date(Date.now() - 7 * 86_400_000).toISOString().replace('Z', '+00:00'));
    const kickOff = await server.http.get(`/fhir/Patient/$export?_since=${since}`).set('Prefer', 'respond-async').expect(202);
    await server.http.delete(relative(kickOff.headers['content-location'])).expect(202);
    for (const path of ['/fhir/$export?_outputFormat=text/csv', '/fhir/$export?_since=yesterday', '/fhir/$export?_type=Nonsense', '/fhir/$export?_typeFilter=Observation%3Fnope%3D1']) {
      const res = await server.http.get(path).set('Prefer', 'respond-async').expect(400);
      expect(res.body.issue[0].diagnostics).toBeTruthy();
    }
    const noPrefer = await server.http.get('/fhir/$export').expect(400);
    expect(noPrefer.body.issue[0].diagnostics).toMatch(/respond-async/);
  });

  test('_type and _typeFilter narrow the export; _since leaves out older resources', async () => {
    const code = encodeURIComponent('Observation?code=http://loinc.org|70274-6');
    const { manifest } = await runExport(`/fhir/$export?_type=Observation&_typeFilter=${code}`);
    expect(manifest.output.map((o) => o.type)).toEqual(['Observation']);
    const rows = await download(manifest.output[0].url) as unknown as Observation[];
    expect(rows.every((o) => o.code.coding?.[0].code === '70274-6')).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(3);

    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fresh = await server.http.post('/fhir/Observation').send(observation(ids.A, PHQ9)).expect(201);
    const since = await runExport(`/fhir/$export?_type=Observation,Patient&_since=${encodeURIComponent(before)}`);
    expect(since.manifest.output.map((o) => o.type)).toEqual(['Observation']);
    expect((await download(since.manifest.output[0].url)).map((o) => o.id)).toEqual([fresh.body.id]);
  });
});

describe('POST kick-off with the patient parameter', () => {
  test('POST Patient/$export with a Parameters body limits the export to the listed patients', async () => {
    const kickOff = await server.http.post('/fhir/Patient/$export').set('Prefer', 'respond-async').set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Patient,Observation' }, { name: 'patient', valueReference: { reference: `Patient/${ids.C}` } }] })
      .expect(202);
    await finishJobs();
    const status = await server.http.get(relative(kickOff.headers['content-location'])).expect(200);
    const rows = (await Promise.all(status.body.output.map((o: { url: string }) => download(o.url)))).flat();
    expect(rows.filter((r) => r.resourceType === 'Patient').map((r) => r.id)).toEqual([ids.C]);
    expect(rows.filter((r) => r.resourceType === 'Observation').every((o) => (o.subject as { reference: string }).reference === `Patient/${ids.C}`)).toBe(true);
    await server.http.get(`/fhir/Patient/$export?patient=Patient/${ids.C}`).set('Prefer', 'respond-async').expect(400);
  });
});

describe('access control on exported rows', () => {
  test('a token limited to Observations exports only Observations, and is refused Patients', async () => {
    const observationsOnly = await server.as('system/Observation.rs');
    const { manifest } = await runExport('/fhir/$export', observationsOnly);
    expect(manifest.output.map((o) => o.type)).toEqual(['Observation']);
    await observationsOnly.get('/fhir/$export?_type=Patient').set('Prefer', 'respond-async').expect(403);
  });

  test("a patient's own token exports only that patient's compartment", async () => {
    const patientA = await server.as('patient/*.rs', { fhirUser: `Patient/${ids.A}`, patient: ids.A });
    const { manifest } = await runExport('/fhir/Patient/$export?_type=Patient,Observation', patientA);
    const everything = (await Promise.all(manifest.output.map((o) => download(o.url, patientA)))).flat();
    expect(everything.length).toBeGreaterThan(0);
    for (const resource of everything) {
      const text = JSON.stringify(resource);
      expect(text).not.toContain(ids.B);
      expect(text).not.toContain(ids.C);
    }
  });
});

describe('durability and snapshot', () => {
  test('a job whose worker stopped mid-way is taken over and finishes without repeating or losing rows', async () => {
    await exportWorker().stop();
    const kickOff = await server.http.get('/fhir/$export?_type=Observation').set('Prefer', 'respond-async').expect(202);
    const jobId = String(kickOff.headers['content-location'].split('/').pop());
    const repo = createRepository(server.pool);
    // A worker claims the job, writes one page, and dies (its heartbeat then goes stale).
    const claimed = (await claimExportJob(repo, 'dead-worker'))!;
    expect(claimed.id).toBe(jobId);
    const { rows } = await server.pool.query("SELECT res_id, content FROM resource WHERE resource_type = 'Observation' AND NOT deleted ORDER BY res_id LIMIT 2");
    await repo.transaction((tx) => appendExportPage(tx, claimed, 'dead-worker', {
      resourceType: 'Observation', lines: rows.map((r) => JSON.stringify(r.content)), lastResId: String(rows[1].res_id),
    }));
    await server.pool.query("UPDATE bulk_export_job SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1", [jobId]);
    await finishJobs();
    const status = await server.http.get(`/fhir/bulk-export/${jobId}`).expect(200);
    const exported = await download(status.body.output[0].url);
    const { rows: all } = await server.pool.query("SELECT id FROM resource WHERE resource_type = 'Observation' AND NOT deleted");
    expect(exported.map((o) => o.id).sort()).toEqual(all.map((r) => r.id).sort());
    expect((await findExportJob(repo, jobId))!.status).toBe('completed');
  });

  test('resources changed after transactionTime are exported as they were at that instant', async () => {
    await exportWorker().stop();
    const kickOff = await server.http.get('/fhir/$export?_type=Patient').set('Prefer', 'respond-async').expect(202);
    // After the kick-off: one patient renamed, one deleted, one created.
    const renamed = await server.http.get(`/fhir/Patient/${ids.A}`).expect(200);
    await server.http.put(`/fhir/Patient/${ids.A}`).send({ ...renamed.body, name: [{ family: 'RenamedLater' }] }).expect(200);
    const doomed = await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: 'Doomed' }] }).expect(201);
    const late = await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: 'CreatedLater' }] }).expect(201);
    await finishJobs();
    // Doomed was created after the first kick-off; deleted after the second one, it is still in the second export.
    const status = await server.http.get(relative(kickOff.headers['content-location'])).expect(200);
    const patients = await download(status.body.output[0].url);
    const families = patients.map((p) => (p.name as { family: string }[])[0].family);
    expect(families).toContain('ExportA');
    expect(families).not.toContain('RenamedLater');
    expect(families).not.toContain('CreatedLater');
    expect(families).not.toContain('Doomed');
    expect(patients.map((p) => p.id)).not.toContain(late.body.id);

    const kickOff2 = await server.http.get('/fhir/$export?_type=Patient').set('Prefer', 'respond-async').expect(202);
    await server.http.delete(`/fhir/Patient/${doomed.body.id}`).expect((res) => expect([200, 204]).toContain(res.status));
    await finishJobs();
    const status2 = await server.http.get(relative(kickOff2.headers['content-location'])).expect(200);
    const patients2 = await download(status2.body.output[0].url);
    expect(patients2.map((p) => p.id)).toContain(doomed.body.id); // it existed at the second transactionTime
  });

  test("a resource moved to the patient after transactionTime is not exported in the version that was another patient's", async () => {
    const patientA = await server.as('patient/*.rs', { fhirUser: `Patient/${ids.A}`, patient: ids.A });
    const moved = await server.http.post('/fhir/Observation').send({ ...observation(ids.B, GAD7), valueInteger: 21 }).expect(201);
    await exportWorker().stop();
    const kickOff = await patientA.get('/fhir/Patient/$export?_type=Observation').set('Prefer', 'respond-async').expect(202);
    await server.http.put(`/fhir/Observation/${moved.body.id}`).send({ ...moved.body, subject: { reference: `Patient/${ids.A}` } }).expect(200);
    await finishJobs();
    const status = await patientA.get(relative(kickOff.headers['content-location'])).expect(200);
    const rows = (await Promise.all(status.body.output.map((o: { url: string }) => download(o.url, patientA)))).flat();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((o) => o.id)).not.toContain(moved.body.id);
    expect(JSON.stringify(rows)).not.toContain(`Patient/${ids.B}`);
  });
});

/** Another server process's worker on the same database (its own repository and registration). */
function startOtherWorker(): ExportWorker {
  return new ExportWorker(createRepository(server.pool), server.pool);
}
