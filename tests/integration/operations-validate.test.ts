import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ conformanceDirectories: [path.join(__dirname, '../fixtures/terminology'), path.join(__dirname, '../fixtures/profiles')] });
});
afterAll(() => server.close());

const FHIR_JSON = 'application/fhir+json';
const TEST_PATIENT = 'http://example.org/fhir/StructureDefinition/test-patient';
type Issue = { severity: string; code: string; expression?: string[]; diagnostics?: string };

const validate = (url: string, body?: object) => {
  const req = server.http.post(url).set('Content-Type', FHIR_JSON);
  return body ? req.send(body) : req;
};

async function countPatients(): Promise<number> {
  const res = await server.http.get('/fhir/Patient').query({ _summary: 'count' });
  return res.body.total;
}

describe('$validate at type level', () => {
  test('a valid resource: 200 with one information issue, and nothing is written', async () => {
    const before = await countPatients();
    const res = await validate('/fhir/Patient/$validate', { resourceType: 'Patient', gender: 'female' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: 'No issues detected during validation', details: { text: 'No issues detected during validation' } }],
    });
    expect(await countPatients()).toBe(before);
  });

  test('an invalid resource: still 200, every issue with its expression (structure and binding together)', async () => {
    const res = await validate('/fhir/Patient/$validate', { resourceType: 'Patient', gender: 'xx', birthDate: 'soon', name: [{ use: 'nick' }] });
    expect(res.status).toBe(200);
    const where = res.body.issue.map((i: Issue) => `${i.severity} ${i.expression?.[0]}`).sort();
    expect(where).toEqual(['error Patient.birthDate', 'error Patient.gender', 'error Patient.name[0].use']);
  });

  test('profile as a query parameter, and in a Parameters body with resource and mode', async () => {
    const resource = { resourceType: 'Patient', gender: 'female' };
    const plain = await validate('/fhir/Patient/$validate', resource);
    expect(plain.body.issue[0].severity).toBe('information');

    const byQuery = await validate(`/fhir/Patient/$validate?profile=${encodeURIComponent(TEST_PATIENT)}`, resource);
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.issue).toContainEqual(expect.objectContaining({ severity: 'error', expression: ['Patient.birthDate'] }));

    const byParameters = await validate('/fhir/Patient/$validate', {
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource }, { name: 'profile', valueUri: TEST_PATIENT }, { name: 'mode', valueCode: 'create' }],
    });
    expect(byParameters.status).toBe(200);
    expect(byParameters.body.issue).toContainEqual(expect.objectContaining({ severity: 'error', expression: ['Patient.birthDate'] }));
  });

  test('meta.profile is honoured without a profile parameter; an unknown requested profile is an error issue', async () => {
    const claimed = await validate('/fhir/Patient/$validate', { resourceType: 'Patient', meta: { profile: [TEST_PATIENT] }, gender: 'male' });
    expect(claimed.body.issue.some((i: Issue) => i.expression?.[0] === 'Patient.birthDate')).toBe(true);

    const unknown = await validate('/fhir/Patient/$validate?profile=http://example.org/nope', { resourceType: 'Patient' });
    expect(unknown.status).toBe(200);
    expect(unknown.body.issue[0]).toMatchObject({ severity: 'error', code: 'not-found' });
    expect(unknown.body.issue[0].diagnostics).toMatch(/http:\/\/example.org\/nope is not known/);

    const unknownClaimed = await validate('/fhir/Patient/$validate', { resourceType: 'Patient', meta: { profile: ['http://example.org/nope'] } });
    expect(unknownClaimed.body.issue[0]).toMatchObject({ severity: 'warning', expression: ['Patient.meta.profile[0]'] });
  });

  test('wrong body: another type → 400; not a resource → 400; no body → 400; bad mode → 400', async () => {
    const otherType = await validate('/fhir/Patient/$validate', { resourceType: 'Observation', status: 'final', code: { text: 'x' } });
    expect(otherType.status).toBe(400);
    expect(otherType.body.issue[0].diagnostics).toMatch(/Observation.*Patient/);
    const notResource = await validate('/fhir/Patient/$validate', { hello: 'world' });
    expect(notResource.status).toBe(400);
    const empty = await validate('/fhir/Patient/$validate');
    expect(empty.status).toBe(400);
    const mode = await validate('/fhir/Patient/$validate?mode=destroy', { resourceType: 'Patient' });
    expect(mode.status).toBe(400);
    const unknownType = await validate('/fhir/Spaceship/$validate', { resourceType: 'Spaceship' });
    expect(unknownType.status).toBe(404);
  });
});

describe('$validate at instance level', () => {
  test('the stored resource (GET or POST without body); a proposed update in the body; mode=delete', async () => {
    const created = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', gender: 'other' });
    const id = created.body.id;

    const stored = await server.http.get(`/fhir/Patient/${id}/$validate`);
    expect(stored.status).toBe(200);
    expect(stored.body.issue[0].severity).toBe('information');
    const storedWithProfile = await server.http.get(`/fhir/Patient/${id}/$validate`).query({ profile: TEST_PATIENT });
    expect(storedWithProfile.body.issue.some((i: Issue) => i.expression?.[0] === 'Patient.birthDate')).toBe(true);

    const proposed = await validate(`/fhir/Patient/${id}/$validate?mode=update`, { resourceType: 'Patient', id, gender: 'x' });
    expect(proposed.body.issue).toContainEqual(expect.objectContaining({ severity: 'error', expression: ['Patient.gender'] }));
    expect((await server.http.get(`/fhir/Patient/${id}`)).body.gender).toBe('other');

    const wrongId = await validate(`/fhir/Patient/${id}/$validate`, { resourceType: 'Patient', id: 'another' });
    expect(wrongId.body.issue[0]).toMatchObject({ severity: 'error', expression: ['Patient.id'] });

    const deletion = await validate(`/fhir/Patient/${id}/$validate?mode=delete`);
    expect(deletion.status).toBe(200);
    expect(deletion.body.issue[0].severity).toBe('information');
  });

  test('an unknown instance → 404', async () => {
    const res = await server.http.get('/fhir/Patient/no-such-patient/$validate');
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('operations registry', () => {
  test('the CapabilityStatement lists each operation with its definition, and our profiles', async () => {
    const res = await server.http.get('/fhir/metadata');
    const resources = res.body.rest[0].resource as { type: string; operation?: { name: string; definition: string }[]; supportedProfile?: string[] }[];
    const byType = (type: string) => resources.find((r) => r.type === type)!;
    expect(byType('Patient').operation).toContainEqual({ name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' });
    expect(byType('Patient').supportedProfile).toContain(TEST_PATIENT);
    const valueSetOps = byType('ValueSet').operation!.map((o) => o.name).sort();
    expect(valueSetOps).toEqual(['expand', 'validate', 'validate-code']);
    const codeSystemOps = byType('CodeSystem').operation!.map((o) => o.name).sort();
    expect(codeSystemOps).toEqual(['lookup', 'subsumes', 'validate', 'validate-code']);
    expect(byType('ConceptMap').operation!.map((o) => o.name)).toContain('translate');
  });

  test('an operation not defined for a type → 404; an unknown operation → 404', async () => {
    const wrongType = await server.http.get('/fhir/Patient/$expand');
    expect(wrongType.status).toBe(404);
    expect(wrongType.body.issue[0].diagnostics).toMatch(/\$expand is not defined for Patient/);
    const unknown = await server.http.post('/fhir/Patient/$teleport').set('Content-Type', FHIR_JSON).send({ resourceType: 'Parameters' });
    expect(unknown.status).toBe(404);
    const system = await server.http.get('/fhir/$validate');
    expect(system.status).toBe(404);
  });

  test('a Parameters body with an unnamed parameter → 400', async () => {
    const res = await validate('/fhir/ValueSet/$expand', { resourceType: 'Parameters', parameter: [{ valueUri: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/needs a name/);
  });
});

describe('$validate and the R4 vital-signs profiles (observation-vitalsigns.html)', () => {
  const BP = 'http://hl7.org/fhir/StructureDefinition/bp';
  const noSystolic = {
    resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: 'Patient/x' }, effectiveDateTime: '2024-05-01',
    component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 76, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }],
  };
  const slice = (i: Issue) => /slice 'SystolicBP'/.test(i.diagnostics ?? '');

  test('without naming the profile: the implied bp profile is checked, its problems are warnings', async () => {
    const res = await validate('/fhir/Observation/$validate', noSystolic);
    expect(res.status).toBe(200);
    expect(res.body.issue.filter(slice).map((i: Issue) => i.severity)).toEqual(['warning']);
  });

  test('naming bp in the profile parameter or in meta.profile: errors', async () => {
    const byParameter = await validate(`/fhir/Observation/$validate?profile=${encodeURIComponent(BP)}`, noSystolic);
    expect(byParameter.body.issue.filter(slice).map((i: Issue) => i.severity)).toEqual(['error']);
    const byMeta = await validate('/fhir/Observation/$validate', { ...noSystolic, meta: { profile: [BP] } });
    expect(byMeta.body.issue.filter(slice).map((i: Issue) => i.severity)).toEqual(['error']);
  });
});
