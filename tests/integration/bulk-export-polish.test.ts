/**
 * Bulk Data $export polish (issue 14 item 4), over real HTTP and PostgreSQL: X-Progress led by a percentage, NDJSON
 * with a newline after every line, the POST `patient` parameter at Patient and Group level (patients the caller
 * cannot see count as absent), `_elements`, `includeAssociatedData=LatestProvenanceResources`, and the `deleted`
 * section of `_since` exports.
 */
import type { Bundle, Observation, Provenance } from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import { ExportWorker } from '../../server/src/jobs/export-worker';
import type { JobWorkers } from '../../server/src/jobs/job-workers';
import { startTestServer, type TestAgent, type TestServer } from '../support/test-server';

let server: TestServer;
const ids: Record<string, string> = {};
const PHQ9 = { coding: [{ system: 'http://loinc.org', code: '44261-6' }] };

interface Manifest {
  transactionTime: string;
  output: { type: string; url: string; count: number }[];
  deleted?: { type: string; url: string; count: number }[];
  error: unknown[];
}

beforeAll(async () => {
  server = await startTestServer();
  // Jobs wait until a test runs a worker, so a test can look at a job before it finishes.
  await (server.app.locals.jobWorkers as JobWorkers).export.stop();
  for (const name of ['A', 'B', 'C']) {
    ids[name] = (await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: `Polish${name}` }] }).expect(201)).body.id;
    ids[`obs${name}`] = (await server.http.post('/fhir/Observation').send(observation(ids[name])).expect(201)).body.id;
  }
  ids.group = (await server.http.post('/fhir/Group').send({
    resourceType: 'Group', type: 'person', actual: true,
    member: [{ entity: { reference: `Patient/${ids.A}` } }, { entity: { reference: `Patient/${ids.B}` } }],
  }).expect(201)).body.id;
});

afterAll(() => server.close());

function observation(patient: string): Observation {
  return { resourceType: 'Observation', status: 'final', code: PHQ9, subject: { reference: `Patient/${patient}` }, effectiveDateTime: '2026-11-02', valueInteger: 7, note: [{ text: 'a note' }] };
}

const relative = (url: string) => new URL(url).pathname + new URL(url).search;

async function runJobs(): Promise<void> {
  const worker = new ExportWorker(createRepository(server.pool), server.pool);
  worker.wake();
  await worker.idle();
  await worker.stop();
}

async function kickOff(path: string, agent: TestAgent = server.http, body?: object): Promise<string> {
  const request = body
    ? agent.post(path).set('Content-Type', 'application/fhir+json').send(body)
    : agent.get(path);
  const res = await request.set('Accept', 'application/fhir+json').set('Prefer', 'respond-async').expect(202);
  return relative(res.headers['content-location']);
}

async function runExport(path: string, agent: TestAgent = server.http, body?: object): Promise<Manifest> {
  const status = await kickOff(path, agent, body);
  await runJobs();
  return (await agent.get(status).expect(200)).body as Manifest;
}

async function downloadText(url: string, agent: TestAgent = server.http): Promise<string> {
  const res = await agent.get(relative(url)).set('Accept', 'application/fhir+ndjson').buffer(true).parse((r, done) => {
    let text = '';
    r.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    r.on('end', () => done(null, text));
  }).expect(200);
  return res.body as string;
}

async function download(url: string, agent: TestAgent = server.http): Promise<Record<string, unknown>[]> {
  return (await downloadText(url, agent)).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function downloadAll(manifest: Manifest, agent: TestAgent = server.http): Promise<Record<string, unknown>[]> {
  return (await Promise.all(manifest.output.map((o) => download(o.url, agent)))).flat();
}

const patientParameters = (...patients: string[]) => ({
  resourceType: 'Parameters',
  parameter: [{ name: '_type', valueString: 'Patient,Observation' }, ...patients.map((p) => ({ name: 'patient', valueReference: { reference: `Patient/${p}` } }))],
});

test('X-Progress starts with a percentage from 0 to 99 while the job waits and runs', async () => {
  const status = await kickOff('/fhir/$export?_type=Patient,Observation');
  const waiting = await server.http.get(status).expect(202);
  expect(waiting.headers['x-progress']).toBe('0% complete (waiting to start)');
  // Half-way: a worker that claimed the job and finished the first of its two types.
  const { rows } = await server.pool.query(
    "UPDATE bulk_export_job SET status = 'in-progress', worker = 'elsewhere', heartbeat_at = clock_timestamp(), type_index = 1, exported = 3 WHERE id = $1::uuid RETURNING id",
    [status.split('/').pop()]);
  expect(rows).toHaveLength(1);
  const running = await server.http.get(status).expect(202);
  expect(running.headers['x-progress']).toBe('50% complete (3 resources written, type 2 of 2)');
  await server.pool.query("UPDATE bulk_export_job SET type_index = 7 WHERE id = $1::uuid", [status.split('/').pop()]);
  const parsed = Number(/^(\d+)% complete/.exec((await server.http.get(status).expect(202)).headers['x-progress'])![1]);
  expect(parsed).toBeLessThanOrEqual(99);
  await server.http.delete(status).expect(202);
});

test('every NDJSON line ends with a newline, the last one too', async () => {
  const manifest = await runExport('/fhir/$export?_type=Patient,Observation');
  for (const file of manifest.output) {
    const text = await downloadText(file.url);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(file.count);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  }
});

describe('the POST patient parameter', () => {
  test('Group/$export keeps only the listed patients who are members', async () => {
    const manifest = await runExport(`/fhir/Group/${ids.group}/$export`, server.http, patientParameters(ids.B, ids.C));
    const rows = await downloadAll(manifest);
    expect(rows.filter((r) => r.resourceType === 'Patient').map((r) => r.id)).toEqual([ids.B]);
    expect(rows.filter((r) => r.resourceType === 'Observation').map((r) => r.id)).toEqual([ids.obsB]);
  });

  test('patients the caller may not see are ignored as absent, not an error', async () => {
    const patientA = await server.as('patient/*.rs', { fhirUser: `Patient/${ids.A}`, patient: ids.A });
    const manifest = await runExport('/fhir/Patient/$export', patientA, patientParameters(ids.A, ids.B, 'no-such-patient'));
    const rows = await downloadAll(manifest, patientA);
    expect(rows.map((r) => r.id).sort()).toEqual([ids.A, ids.obsA].sort());
    const onlyOthers = await runExport('/fhir/Patient/$export', patientA, patientParameters(ids.B));
    expect(onlyOthers.output).toEqual([]);
  });
});

describe('_elements', () => {
  test('keeps the listed top-level elements and the mandatory ones, tagged SUBSETTED', async () => {
    const manifest = await runExport('/fhir/Patient/$export?_type=Observation,Patient&_elements=Observation.subject,gender');
    const rows = await downloadAll(manifest);
    const obs = rows.find((r) => r.id === ids.obsA)!;
    // status and code are mandatory in Observation; value and note were not asked for.
    expect(Object.keys(obs).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
    const patient = rows.find((r) => r.id === ids.A)!;
    expect(Object.keys(patient).sort()).toEqual(['id', 'meta', 'resourceType']);
    for (const row of [obs, patient]) {
      expect((row.meta as { tag?: { code?: string }[] }).tag).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SUBSETTED' })]));
    }
  });

  test('anything but a top-level element name is a 400 OperationOutcome at kick-off', async () => {
    for (const bad of ['Observation.code.coding', 'Nonsense.status', '$bad']) {
      const res = await server.http.get(`/fhir/$export?_elements=${encodeURIComponent(bad)}`).set('Prefer', 'respond-async').expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });
});

describe('includeAssociatedData=LatestProvenanceResources', () => {
  test('exports the latest Provenance targeting each exported resource, once, in the Provenance file', async () => {
    const provenance = (target: string[], recorded: string): Provenance => ({
      resourceType: 'Provenance', target: target.map((reference) => ({ reference })), recorded,
      agent: [{ who: { display: 'Therapist' } }],
    });
    const older = (await server.http.post('/fhir/Provenance').send(provenance([`Observation/${ids.obsA}`], '2026-11-01T10:00:00Z')).expect(201)).body.id;
    const latest = (await server.http.post('/fhir/Provenance').send(provenance([`Observation/${ids.obsA}`, `Observation/${ids.obsB}`], '2026-11-03T10:00:00Z')).expect(201)).body.id;
    const manifest = await runExport('/fhir/$export?_type=Observation&includeAssociatedData=LatestProvenanceResources');
    expect(manifest.output.map((o) => o.type).sort()).toEqual(['Observation', 'Provenance']);
    const provenances = await download(manifest.output.find((o) => o.type === 'Provenance')!.url);
    expect(provenances.map((p) => p.id)).toEqual([latest]);
    expect(provenances.map((p) => p.id)).not.toContain(older);
    // Asked for as a type too, each Provenance is still written once.
    const both = await runExport('/fhir/$export?_type=Observation,Provenance&includeAssociatedData=LatestProvenanceResources');
    const all = await download(both.output.find((o) => o.type === 'Provenance')!.url);
    expect(all.map((p) => p.id).sort()).toEqual([older, latest].sort());
  });

  test('an unsupported value is a 400, and a token that cannot read Provenance is refused', async () => {
    await server.http.get('/fhir/$export?includeAssociatedData=RelevantProvenanceResources').set('Prefer', 'respond-async').expect(400);
    const observationsOnly = await server.as('system/Observation.rs');
    await observationsOnly.get('/fhir/$export?includeAssociatedData=LatestProvenanceResources').set('Prefer', 'respond-async').expect(403);
  });
});

describe('deleted section of _since exports', () => {
  test('lists what was deleted since, as transaction Bundles of DELETE requests; not in exports without _since', async () => {
    const marker = (await server.http.post('/fhir/Observation').send(observation(ids.C)).expect(201)).body;
    const keep = (await server.http.post('/fhir/Observation').send(observation(ids.C)).expect(201)).body.id;
    const gone = (await server.http.post('/fhir/Observation').send(observation(ids.C)).expect(201)).body.id;
    const goneOfA = (await server.http.post('/fhir/Observation').send(observation(ids.A)).expect(201)).body.id;
    await server.http.delete(`/fhir/Observation/${gone}`).expect((res) => expect([200, 204]).toContain(res.status));
    await server.http.delete(`/fhir/Observation/${goneOfA}`).expect((res) => expect([200, 204]).toContain(res.status));
    // The instant the marker was stored, from the server (no local clock); _since excludes the marker itself.
    const since = encodeURIComponent(marker.meta.lastUpdated);
    const manifest = await runExport(`/fhir/$export?_type=Observation&_since=${since}`);
    expect(manifest.deleted).toHaveLength(1);
    const bundles = (await download(manifest.deleted![0].url)) as unknown as Bundle[];
    expect(bundles.every((b) => b.resourceType === 'Bundle' && b.type === 'transaction')).toBe(true);
    const urls = bundles.flatMap((b) => b.entry!.map((e) => `${e.request!.method} ${e.request!.url}`)).sort();
    expect(urls).toEqual([`DELETE Observation/${gone}`, `DELETE Observation/${goneOfA}`].sort());
    expect(manifest.output.map((o) => o.type)).toEqual(['Observation']);
    expect((await download(manifest.output[0].url)).map((o) => o.id)).toEqual([keep]);

    // Patient level with the patient parameter: only that patient's deletions.
    const ofC = await runExport(`/fhir/Patient/$export`, server.http, { ...patientParameters(ids.C), parameter: [...patientParameters(ids.C).parameter, { name: '_since', valueInstant: marker.meta.lastUpdated }] });
    const deletedOfC = (await Promise.all(ofC.deleted!.map((d) => download(d.url)))).flat() as unknown as Bundle[];
    expect(deletedOfC.flatMap((b) => b.entry!.map((e) => e.request!.url))).toEqual([`Observation/${gone}`]);

    const full = await runExport('/fhir/$export?_type=Observation');
    expect(full.deleted).toBeUndefined();
  });
});
