import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const FHIR_JSON = 'application/fhir+json';
const JSON_PATCH = 'application/json-patch+json';

interface StoredPatient {
  id: string;
  meta: { versionId: string };
  [key: string]: unknown;
}

let counter = 0;
async function createPatient(extra: Record<string, unknown> = {}): Promise<StoredPatient> {
  counter += 1;
  const res = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:test:patch', value: `p-${counter}` }],
    name: [{ family: 'Okafor', given: ['Ada'] }],
    gender: 'female',
    birthDate: '1984-03-09',
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body;
}

function jsonPatch(id: string, operations: unknown) {
  return server.http.patch(`/fhir/Patient/${id}`).set('Content-Type', JSON_PATCH).send(operations as object);
}

function fhirPathPatch(id: string, operations: Array<Array<Record<string, unknown>>>) {
  return server.http.patch(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send(parameters(operations));
}

function parameters(operations: Array<Array<Record<string, unknown>>>) {
  return { resourceType: 'Parameters', parameter: operations.map((part) => ({ name: 'operation', part })) };
}

const type = (code: string) => ({ name: 'type', valueCode: code });
const path = (expression: string) => ({ name: 'path', valueString: expression });

/** The stored resource did not move: same version, same content. */
async function expectUnchanged(before: StoredPatient): Promise<void> {
  const read = await server.http.get(`/fhir/Patient/${before.id}`);
  expect(read.status).toBe(200);
  expect(read.body.meta.versionId).toBe(before.meta.versionId);
  expect(read.body).toEqual(before);
}

describe('JSON Patch', () => {
  test('applies add/replace/remove/test, answers 200 with the new version, and history records a PATCH', async () => {
    const created = await createPatient();
    const res = await jsonPatch(created.id, [
      { op: 'test', path: '/name/0/family', value: 'Okafor' },
      { op: 'replace', path: '/name/0/family', value: 'Okafor-Bell' },
      { op: 'add', path: '/name/0/given/-', value: 'Ngozi' },
      { op: 'remove', path: '/birthDate' },
      { op: 'add', path: '/active', value: true },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.headers['content-location']).toBe(`${server.baseUrl}/Patient/${created.id}/_history/2`);
    expect(res.body.name[0]).toEqual({ family: 'Okafor-Bell', given: ['Ada', 'Ngozi'] });
    expect(res.body.birthDate).toBeUndefined();
    expect(res.body.active).toBe(true);
    expect(res.body.meta.versionId).toBe('2');

    const read = await server.http.get(`/fhir/Patient/${created.id}`);
    expect(read.body).toEqual(res.body);
    const history = await server.http.get(`/fhir/Patient/${created.id}/_history`);
    expect(history.body.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual(['PATCH', 'POST']);
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history/1`)).body.birthDate).toBe('1984-03-09');
  });

  test('a failing test operation is 422 and changes nothing, even when earlier operations succeeded', async () => {
    const created = await createPatient();
    const res = await jsonPatch(created.id, [
      { op: 'replace', path: '/gender', value: 'male' },
      { op: 'test', path: '/name/0/family', value: 'Somebody-Else' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/operation 1 .*test failed/);
    await expectUnchanged(created);
  });

  test('malformed patches are 400: not an array, unknown op, path that is not a pointer, no operations, prototype paths', async () => {
    const created = await createPatient();
    const cases: unknown[] = [
      { op: 'replace', path: '/gender', value: 'male' },
      [{ op: 'frobnicate', path: '/gender', value: 'male' }],
      [{ op: 'replace', path: 'gender', value: 'male' }],
      [{ op: 'replace', path: '/gender' }],
      [{ op: 'move', path: '/gender' }],
      [],
      [{ op: 'add', path: '/__proto__/polluted', value: true }],
      ['not an operation'],
    ];
    for (const body of cases) {
      const res = await jsonPatch(created.id, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/JSON Patch/);
    }
    await expectUnchanged(created);
  });

  test('a path that does not exist in the resource is 422', async () => {
    const created = await createPatient();
    const remove = await jsonPatch(created.id, [{ op: 'remove', path: '/telecom/0' }]);
    expect(remove.status).toBe(422);
    expect(remove.body.issue[0].diagnostics).toMatch(/cannot be applied/);
    const outOfRange = await jsonPatch(created.id, [{ op: 'add', path: '/name/5', value: { family: 'X' } }]);
    expect(outOfRange.status).toBe(422);
    await expectUnchanged(created);
  });

  test('a patch must not change resourceType or id, nor remove the id (400, nothing written)', async () => {
    const created = await createPatient();
    for (const operations of [
      [{ op: 'replace', path: '/id', value: 'another-id' }],
      [{ op: 'remove', path: '/id' }],
      [{ op: 'replace', path: '/resourceType', value: 'Practitioner' }],
    ]) {
      const res = await jsonPatch(created.id, operations);
      expect(res.status).toBe(400);
      expect(res.body.issue[0].diagnostics).toMatch(/must not change/);
    }
    await expectUnchanged(created);
    expect((await server.http.get('/fhir/Patient/another-id')).status).toBe(404);
  });

  test('a patch producing an invalid resource is rejected with the validation issues and changes nothing', async () => {
    const created = await createPatient();
    const badDate = await jsonPatch(created.id, [{ op: 'replace', path: '/birthDate', value: 'the ninth of March' }]);
    expect([400, 422]).toContain(badDate.status);
    expect(badDate.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(badDate.body.issue)).toMatch(/birthDate/);
    const unknownElement = await jsonPatch(created.id, [{ op: 'add', path: '/favouriteColour', value: 'blue' }]);
    expect([400, 422]).toContain(unknownElement.status);
    expect(JSON.stringify(unknownElement.body.issue)).toMatch(/favouriteColour/);
    const wrongShape = await jsonPatch(created.id, [{ op: 'replace', path: '/name', value: 'Ada Okafor' }]);
    expect([400, 422]).toContain(wrongShape.status);
    await expectUnchanged(created);
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history`)).body.entry).toHaveLength(1);
  });

  test('the body must be JSON: XML or text is 415', async () => {
    const created = await createPatient();
    const xml = await server.http.patch(`/fhir/Patient/${created.id}`).set('Content-Type', 'application/xml-patch+xml').send('<diff/>');
    expect(xml.status).toBe(415);
    expect(xml.body.resourceType).toBe('OperationOutcome');
    const text = await server.http.patch(`/fhir/Patient/${created.id}`).set('Content-Type', 'text/plain').send('replace gender');
    expect(text.status).toBe(415);
    await expectUnchanged(created);
  });

  test('a body that is neither JSON Patch nor Parameters is 400', async () => {
    const created = await createPatient();
    const resource = await server.http.patch(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', gender: 'male' });
    expect(resource.status).toBe(400);
    expect(resource.body.issue[0].diagnostics).toMatch(/JSON Patch .* or a FHIRPath Patch/);
    const empty = await server.http.patch(`/fhir/Patient/${created.id}`);
    expect(empty.status).toBe(400);
    await expectUnchanged(created);
  });
});

describe('versioned and missing targets', () => {
  test('If-Match with the current version succeeds; a stale one is 412 and changes nothing', async () => {
    const created = await createPatient();
    const ok = await jsonPatch(created.id, [{ op: 'replace', path: '/gender', value: 'other' }]).set('If-Match', 'W/"1"');
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('W/"2"');
    const stale = await jsonPatch(created.id, [{ op: 'replace', path: '/gender', value: 'male' }]).set('If-Match', 'W/"1"');
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].diagnostics).toMatch(/current version is W\/"2"/);
    // Stale wins over a failing test: the client learns it must re-read first.
    const staleAndFailing = await jsonPatch(created.id, [{ op: 'test', path: '/gender', value: 'female' }]).set('If-Match', 'W/"1"');
    expect(staleAndFailing.status).toBe(412);
    expect((await server.http.get(`/fhir/Patient/${created.id}`)).body.gender).toBe('other');
  });

  test('an unparseable If-Match is 400', async () => {
    const created = await createPatient();
    const res = await jsonPatch(created.id, [{ op: 'replace', path: '/gender', value: 'male' }]).set('If-Match', 'yesterday');
    expect(res.status).toBe(400);
    await expectUnchanged(created);
  });

  test('patch of a missing resource is 404 and of a deleted one is 410; neither creates anything', async () => {
    const missing = await jsonPatch('never-existed', [{ op: 'add', path: '/active', value: true }]);
    expect(missing.status).toBe(404);
    expect(missing.body.resourceType).toBe('OperationOutcome');
    expect((await server.http.get('/fhir/Patient/never-existed')).status).toBe(404);

    const created = await createPatient();
    expect((await server.http.delete(`/fhir/Patient/${created.id}`)).status).toBe(204);
    const gone = await fhirPathPatch(created.id, [[type('delete'), path('Patient.gender')]]);
    expect(gone.status).toBe(410);
    expect((await server.http.get(`/fhir/Patient/${created.id}/_history`)).body.entry).toHaveLength(2);
  });

  test('unknown resource type is 404 and an invalid id is 400', async () => {
    expect((await server.http.patch('/fhir/Spaceship/1').set('Content-Type', JSON_PATCH).send([])).status).toBe(404);
    const badId = await server.http.patch(`/fhir/Patient/${'x'.repeat(80)}`).set('Content-Type', JSON_PATCH)
      .send([{ op: 'add', path: '/active', value: true }]);
    expect(badId.status).toBe(400);
  });

  test('concurrent patches without If-Match are serialised on the row: none is lost', async () => {
    const created = await createPatient();
    const names = ['B', 'C', 'D', 'E', 'F', 'G'];
    const results = await Promise.all(names.map((name) => jsonPatch(created.id, [{ op: 'add', path: '/name/0/given/-', value: name }])));
    expect(results.map((r) => r.status)).toEqual(names.map(() => 200));
    const read = await server.http.get(`/fhir/Patient/${created.id}`);
    expect(read.body.meta.versionId).toBe(String(names.length + 1));
    expect([...read.body.name[0].given].sort()).toEqual(['Ada', ...names]);
  });

  test('Prefer: return=minimal answers without a body', async () => {
    const created = await createPatient();
    const res = await jsonPatch(created.id, [{ op: 'add', path: '/active', value: false }]).set('Prefer', 'return=minimal');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers.etag).toBe('W/"2"');
  });
});

describe('FHIRPath Patch', () => {
  test('add, insert, replace, delete and move in one patch', async () => {
    const created = await createPatient({
      identifier: [{ system: 'urn:a', value: '1' }, { system: 'urn:b', value: '2' }],
      telecom: [{ system: 'phone', value: '555-0100' }],
      deceasedBoolean: false,
    });
    const res = await fhirPathPatch(created.id, [
      [type('add'), path('Patient'), { name: 'name', valueString: 'contact' }, {
        name: 'value',
        part: [
          { name: 'name', valueHumanName: { family: 'Okafor', given: ['Emeka'] } },
          { name: 'telecom', valueContactPoint: { system: 'phone', value: '555-0199' } },
        ],
      }],
      [type('add'), path('Patient.name[0]'), { name: 'name', valueString: 'given' }, { name: 'value', valueString: 'Chioma' }],
      [type('insert'), path('Patient.identifier'), { name: 'index', valueInteger: 0 }, { name: 'value', valueIdentifier: { system: 'urn:z', value: '0' } }],
      [type('replace'), path("Patient.identifier.where(system='urn:b').value"), { name: 'value', valueString: '22' }],
      [type('replace'), path('Patient.deceased'), { name: 'value', valueDateTime: '2024-01-02' }],
      [type('delete'), path('Patient.telecom[0]')],
      [type('delete'), path('Patient.maritalStatus')],
      [type('move'), path('Patient.identifier'), { name: 'source', valueInteger: 2 }, { name: 'destination', valueInteger: 0 }],
    ]);
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.body.contact).toEqual([{ name: { family: 'Okafor', given: ['Emeka'] }, telecom: [{ system: 'phone', value: '555-0199' }] }]);
    expect(res.body.name[0].given).toEqual(['Ada', 'Chioma']);
    expect(res.body.identifier.map((i: { value: string }) => i.value)).toEqual(['22', '0', '1']);
    expect(res.body.deceasedDateTime).toBe('2024-01-02');
    expect(res.body.deceasedBoolean).toBeUndefined();
    expect(res.body.telecom).toBeUndefined();
    expect((await server.http.get(`/fhir/Patient/${created.id}`)).body).toEqual(res.body);
  });

  test('insert into a list the resource does not have yet creates it; add to an absent single element sets it', async () => {
    const created = await createPatient();
    const res = await fhirPathPatch(created.id, [
      [type('insert'), path('Patient.address'), { name: 'index', valueInteger: 0 }, { name: 'value', valueAddress: { city: 'Leeds' } }],
      [type('add'), path('Patient'), { name: 'name', valueString: 'maritalStatus' }, { name: 'value', valueCodeableConcept: { text: 'single' } }],
    ]);
    expect(res.status).toBe(200);
    expect(res.body.address).toEqual([{ city: 'Leeds' }]);
    expect(res.body.maritalStatus).toEqual({ text: 'single' });
  });

  test('malformed FHIRPath Patch documents are 400 and change nothing', async () => {
    const created = await createPatient();
    const cases: unknown[] = [
      parameters([[type('explode'), path('Patient.gender')]]),
      parameters([[type('replace')]]),
      parameters([[type('replace'), path('Patient.gender')]]),
      parameters([[type('insert'), path('Patient.name'), { name: 'value', valueString: 'x' }]]),
      parameters([[type('add'), path('Patient'), { name: 'value', valueCode: 'male' }]]),
      parameters([[type('delete'), path('Patient.name.where(')]]),
      parameters([[type('delete'), path('Patient.gender'), { name: 'colour', valueString: 'red' }]]),
      parameters([[type('add'), path('Patient'), { name: 'name', valueString: 'noSuchElement' }, { name: 'value', valueString: 'x' }]]),
      { resourceType: 'Parameters', parameter: [{ name: 'not-an-operation', part: [type('delete'), path('Patient.gender')] }] },
      { resourceType: 'Parameters' },
    ];
    for (const body of cases) {
      const res = await server.http.patch(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send(body as object);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.issue[0].diagnostics).toMatch(/FHIRPath Patch/);
    }
    await expectUnchanged(created);
  });

  test('operations that do not fit the resource are 422: nothing to replace, several matches, index out of range, value already set', async () => {
    const created = await createPatient({ identifier: [{ system: 'urn:a', value: '1' }, { system: 'urn:b', value: '2' }] });
    const cases = [
      [[type('replace'), path('Patient.telecom'), { name: 'value', valueContactPoint: { system: 'email', value: 'a@b.c' } }]],
      [[type('delete'), path('Patient.identifier')]],
      [[type('insert'), path('Patient.identifier'), { name: 'index', valueInteger: 5 }, { name: 'value', valueIdentifier: { value: '3' } }]],
      [[type('move'), path('Patient.identifier'), { name: 'source', valueInteger: 0 }, { name: 'destination', valueInteger: 2 }]],
      [[type('add'), path('Patient'), { name: 'name', valueString: 'gender' }, { name: 'value', valueCode: 'male' }]],
      [[type('insert'), path("Patient.identifier.where(system='urn:b')"), { name: 'index', valueInteger: 0 }, { name: 'value', valueIdentifier: { value: '3' } }]],
      // the first operation applies, the second fails: the whole patch is refused
      [[type('replace'), path('Patient.gender'), { name: 'value', valueCode: 'male' }], [type('delete'), path('Patient.name.given | Patient.identifier')]],
    ];
    for (const operations of cases) {
      const res = await fhirPathPatch(created.id, operations);
      expect({ operations, status: res.status }).toEqual({ operations, status: 422 });
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
    await expectUnchanged(created);
  });

  test('FHIRPath Patch cannot change the id, cannot delete the resource, and an invalid result is refused', async () => {
    const created = await createPatient();
    const changeId = await fhirPathPatch(created.id, [[type('replace'), path('Patient.id'), { name: 'value', valueId: 'elsewhere' }]]);
    expect(changeId.status).toBe(400);
    expect(changeId.body.issue[0].diagnostics).toMatch(/must not change/);
    const deleteAll = await fhirPathPatch(created.id, [[type('delete'), path('Patient')]]);
    expect(deleteAll.status).toBe(422);
    const invalid = await fhirPathPatch(created.id, [[type('replace'), path('Patient.birthDate'), { name: 'value', valueString: 'not a date' }]]);
    expect([400, 422]).toContain(invalid.status);
    await expectUnchanged(created);
  });
});

describe('conditional patch', () => {
  test('exactly one match is patched (with If-Match honoured); none is 404; several are 412; no criteria is 400', async () => {
    const one = await createPatient({ identifier: [{ system: 'urn:test:conditional-patch', value: 'solo' }] });
    const ok = await server.http.patch('/fhir/Patient?identifier=urn:test:conditional-patch|solo').set('Content-Type', JSON_PATCH)
      .set('If-Match', 'W/"1"').send([{ op: 'replace', path: '/gender', value: 'male' }]);
    expect(ok.status).toBe(200);
    expect(ok.body.id).toBe(one.id);
    expect(ok.body.gender).toBe('male');

    const stale = await server.http.patch('/fhir/Patient?identifier=urn:test:conditional-patch|solo').set('Content-Type', JSON_PATCH)
      .set('If-Match', 'W/"1"').send([{ op: 'replace', path: '/gender', value: 'female' }]);
    expect(stale.status).toBe(412);

    const none = await server.http.patch('/fhir/Patient?identifier=urn:test:conditional-patch|nobody').set('Content-Type', JSON_PATCH)
      .send([{ op: 'replace', path: '/gender', value: 'male' }]);
    expect(none.status).toBe(404);
    expect(none.body.resourceType).toBe('OperationOutcome');

    const a = await createPatient({ identifier: [{ system: 'urn:test:conditional-patch', value: 'twin' }] });
    const b = await createPatient({ identifier: [{ system: 'urn:test:conditional-patch', value: 'twin' }] });
    const many = await server.http.patch('/fhir/Patient?identifier=urn:test:conditional-patch|twin').set('Content-Type', FHIR_JSON)
      .send(parameters([[type('replace'), path('Patient.gender'), { name: 'value', valueCode: 'male' }]]));
    expect(many.status).toBe(412);
    await expectUnchanged(a);
    await expectUnchanged(b);

    const noCriteria = await server.http.patch('/fhir/Patient').set('Content-Type', JSON_PATCH).send([{ op: 'replace', path: '/gender', value: 'male' }]);
    expect(noCriteria.status).toBe(400);
  });
});

describe('PATCH in Bundles', () => {
  const binaryPatch = (operations: unknown) => ({
    resourceType: 'Binary',
    contentType: JSON_PATCH,
    data: Buffer.from(JSON.stringify(operations)).toString('base64'),
  });

  test('a transaction applies JSON Patch (as Binary) and FHIRPath Patch (as Parameters) entries, with ifMatch', async () => {
    const first = await createPatient();
    const second = await createPatient({ identifier: [{ system: 'urn:test:bundle-patch', value: 'second' }] });
    const res = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: binaryPatch([{ op: 'replace', path: '/gender', value: 'male' }]), request: { method: 'PATCH', url: `Patient/${first.id}`, ifMatch: 'W/"1"' } },
        {
          resource: parameters([[type('replace'), path('Patient.birthDate'), { name: 'value', valueDate: '1990-01-01' }]]),
          request: { method: 'PATCH', url: 'Patient?identifier=urn:test:bundle-patch|second' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    expect(res.body.entry.map((e: { response: { status: string; etag: string } }) => [e.response.status, e.response.etag]))
      .toEqual([['200', 'W/"2"'], ['200', 'W/"2"']]);
    expect((await server.http.get(`/fhir/Patient/${first.id}`)).body.gender).toBe('male');
    expect((await server.http.get(`/fhir/Patient/${second.id}`)).body.birthDate).toBe('1990-01-01');
  });

  test('a failing patch entry rolls the whole transaction back and names the entry', async () => {
    const target = await createPatient();
    const res = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:8c7e1a52-1d4f-4a55-9d0e-0f5b3f0d2a11', resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:rollback', value: 'x' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: binaryPatch([{ op: 'test', path: '/gender', value: 'male' }]), request: { method: 'PATCH', url: `Patient/${target.id}` } },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/entry 1 \(PATCH Patient\//);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[1]']);
    const search = await server.http.get('/fhir/Patient?identifier=urn:test:rollback|x');
    expect(search.status).toBe(200);
    expect(search.body.entry ?? []).toHaveLength(0);
    await expectUnchanged(target);
  });

  test('a Binary with another content type is 415; in a batch each patch entry succeeds or fails on its own', async () => {
    const target = await createPatient();
    const res = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: { resourceType: 'Binary', contentType: 'text/plain', data: 'aGVsbG8=' }, request: { method: 'PATCH', url: `Patient/${target.id}` } },
        { resource: binaryPatch([{ op: 'replace', path: '/gender', value: 'other' }]), request: { method: 'PATCH', url: `Patient/${target.id}`, ifMatch: 'W/"9"' } },
        { resource: binaryPatch([{ op: 'replace', path: '/gender', value: 'other' }]), request: { method: 'PATCH', url: `Patient/${target.id}` } },
        { resource: { resourceType: 'Binary', contentType: JSON_PATCH, data: Buffer.from('not json').toString('base64') }, request: { method: 'PATCH', url: `Patient/${target.id}` } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['415', '412', '200', '400']);
    expect(res.body.entry[0].response.outcome.resourceType).toBe('OperationOutcome');
    const read = await server.http.get(`/fhir/Patient/${target.id}`);
    expect(read.body.gender).toBe('other');
    expect(read.body.meta.versionId).toBe('2');
  });
});

describe('capabilities', () => {
  test('the CapabilityStatement advertises patch and both patch formats', async () => {
    const res = await server.http.get('/fhir/metadata');
    const patient = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.interaction.map((i: { code: string }) => i.code)).toContain('patch');
    expect(res.body.patchFormat).toEqual([JSON_PATCH, FHIR_JSON]);
  });
});
