import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const json = 'application/fhir+json';
const post = (bundle: object) => server.http.post('/fhir').set('Content-Type', json).send(bundle);
const count = async (type: string) =>
  (await server.pool.query('SELECT count(*)::int AS n FROM resource WHERE resource_type = $1 AND NOT deleted', [type])).rows[0].n as number;

describe('transaction', () => {
  test('urn:uuid fullUrls are rewritten in every reference, anywhere in the resources', async () => {
    const res = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'PHQ-9 total' },
            subject: { reference: 'urn:uuid:11111111-2222-3333-4444-555555555555' },
            extension: [{ url: 'http://iop-fhir.org/fhir/StructureDefinition/x', valueReference: { reference: 'urn:uuid:11111111-2222-3333-4444-555555555555' } }] },
          request: { method: 'POST', url: 'Observation' },
        },
        {
          fullUrl: 'urn:uuid:11111111-2222-3333-4444-555555555555',
          resource: { resourceType: 'Patient', name: [{ family: 'Schmitt' }] },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [obsEntry, patEntry] = res.body.entry;
    expect(obsEntry.response.status).toBe('201');
    expect(patEntry.response.location).toMatch(/^Patient\/[0-9a-f-]{36}\/_history\/1$/);
    expect(patEntry.response.etag).toBe('W/"1"');
    const patientRef = `Patient/${patEntry.resource.id}`;
    const obs = (await server.http.get(`/fhir/Observation/${obsEntry.resource.id}`)).body;
    expect(obs.subject.reference).toBe(patientRef);
    expect(obs.extension[0].valueReference.reference).toBe(patientRef);
  });

  test('any failing entry rolls back everything, and the outcome names the entry', async () => {
    const before = await count('Patient');
    const res = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'Kept?' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', birthDate: 'garbage' }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/entry 1 \(POST Patient\)/);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[1]']);
    expect(await count('Patient')).toBe(before);
  });

  test('entries run in the spec order: DELETE, POST, PUT/PATCH, GET', async () => {
    await server.http.put('/fhir/Patient/order-a').set('Content-Type', json).send({ resourceType: 'Patient', id: 'order-a' });
    const res = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { request: { method: 'GET', url: 'Patient/order-b' } },
        { resource: { resourceType: 'Patient', id: 'order-b', gender: 'male' }, request: { method: 'PUT', url: 'Patient/order-b' } },
        { resource: { resourceType: 'Patient', name: [{ family: 'New' }] }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'DELETE', url: 'Patient/order-a' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['200', '201', '201', '204']);
    expect(res.body.entry[0].resource.gender).toBe('male'); // the GET ran after the PUT
    expect((await server.http.get('/fhir/Patient/order-a')).status).toBe(410);
  });

  test('conditional references resolve; one that matches nothing fails the whole transaction', async () => {
    await server.http.post('/fhir/Practitioner').set('Content-Type', json)
      .send({ resourceType: 'Practitioner', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '9999999999' }] });
    const ok = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [{
        resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' },
          participant: [{ individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999999' } }] },
        request: { method: 'POST', url: 'Encounter' },
      }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.entry[0].resource.participant[0].individual.reference).toMatch(/^Practitioner\/[0-9a-f-]{36}$/);

    const before = await count('Encounter');
    const bad = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } }, request: { method: 'POST', url: 'Encounter' } },
        { resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' },
            participant: [{ individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|0000' } }] },
          request: { method: 'POST', url: 'Encounter' } },
      ],
    });
    expect(bad.status).toBe(412);
    expect(bad.body.issue[0].diagnostics).toMatch(/entry 1 .*matched no resource/);
    expect(await count('Encounter')).toBe(before);
  });

  test('ifNoneExist per entry returns the existing resource and references point to it', async () => {
    const existing = await server.http.post('/fhir/Patient').set('Content-Type', json)
      .send({ resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'TX-1' }] });
    const res = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:aaaaaaaa-0000-0000-0000-000000000001',
          resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'TX-1' }] },
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:mrn|TX-1' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:aaaaaaaa-0000-0000-0000-000000000001' } },
          request: { method: 'POST', url: 'Observation' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('200');
    expect(res.body.entry[1].resource.subject.reference).toBe(`Patient/${existing.body.id}`);
  });

  test('ifMatch per entry: a stale version fails the transaction with 412', async () => {
    await server.http.put('/fhir/Patient/tx-im').set('Content-Type', json).send({ resourceType: 'Patient', id: 'tx-im' });
    const res = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [{ resource: { resourceType: 'Patient', id: 'tx-im', gender: 'male' }, request: { method: 'PUT', url: 'Patient/tx-im', ifMatch: 'W/"5"' } }],
    });
    expect(res.status).toBe(412);
    expect((await server.http.get('/fhir/Patient/tx-im')).body.meta.versionId).toBe('1');
  });

  test('malformed Bundles are 400', async () => {
    expect((await post({ resourceType: 'Bundle', type: 'collection' })).status).toBe(400);
    expect((await post({ resourceType: 'Patient' })).status).toBe(400);
    expect((await post({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient' } }] })).status).toBe(400);
    const dup = await post({ resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:x', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
      { fullUrl: 'urn:uuid:x', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
    ] });
    expect(dup.status).toBe(400);
    expect(dup.body.issue[0].diagnostics).toMatch(/duplicate fullUrl/);
  });
});

describe('batch', () => {
  test('each entry runs independently: a failure is reported in its entry and the others are kept', async () => {
    const before = await count('Patient');
    const res = await post({
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'Ok1' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', birthDate: 'garbage' }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        { resource: { resourceType: 'Patient', name: [{ family: 'Ok2' }] }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201', '400', '404', '201']);
    expect(res.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect(await count('Patient')).toBe(before + 2);
  });
});
