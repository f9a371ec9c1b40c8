/** Search over HTTP: each parameter type with its modifiers and prefixes, GET ≡ POST _search, unknown parameters. */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
const ids: Record<string, string> = {};

async function create(resource: Resource & Record<string, unknown>, key?: string): Promise<string> {
  const res = await server.http.post(`/fhir/${resource.resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (key) ids[key] = res.body.id;
  return res.body.id;
}

async function search(url: string, headers: Record<string, string> = {}): Promise<Bundle> {
  const res = await server.http.get(`/fhir/${url}`).set(headers);
  if (res.status !== 200) throw new Error(`search ${url} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The ids of the matches, sorted (order-independent comparisons). */
async function matchIds(url: string): Promise<string[]> {
  const bundle = await search(url);
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!).sort();
}

const sorted = (...keys: string[]) => keys.map((k) => ids[k]).sort();

beforeAll(async () => {
  server = await startTestServer();
  await create({ resourceType: 'Patient', name: [{ family: 'Müller', given: ['Zoë', 'Anne'] }], gender: 'female', birthDate: '1990-04-02',
    identifier: [{ system: 'http://hospital.example/mrn', value: 'MRN-1', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
    telecom: [{ system: 'email', value: 'zoe@example.org' }], active: true }, 'zoe');
  await create({ resourceType: 'Patient', name: [{ family: 'Mullins', given: ['Peter'] }], gender: 'male', birthDate: '1985',
    identifier: [{ system: 'http://hospital.example/mrn', value: 'MRN-2' }, { value: 'NOSYS-2' }] }, 'peter');
  await create({ resourceType: 'Patient', name: [{ family: 'Smith', given: ['Ann'] }], gender: 'female', active: false }, 'ann');
  await create({ resourceType: 'Practitioner', name: [{ family: 'Mueller', given: ['Dr'] }] }, 'doc');
  const obs = (key: string, patient: string, code: string, value: number, date: string, extra: Record<string, unknown> = {}) => create({
    resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${ids[patient]}` },
    code: { coding: [{ system: 'http://loinc.org', code, display: code === '44261-6' ? 'PHQ-9 total score' : 'GAD-7 total score' }], text: code },
    valueQuantity: { value, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' }, effectiveDateTime: date, ...extra,
  }, key);
  await obs('phq1', 'zoe', '44261-6', 12, '2024-03-05T10:00:00Z', { performer: [{ reference: `Practitioner/${ids.doc}` }] });
  await obs('phq2', 'zoe', '44261-6', 8.5, '2024-04-05T10:00:00Z');
  await obs('gad1', 'peter', '70274-6', 15, '2024-03-20');
  await create({ resourceType: 'Observation', status: 'preliminary', code: { text: 'no coding' },
    subject: { reference: `${'http://localhost:8080/fhir'}/Patient/${ids.ann}` }, effectivePeriod: { start: '2024-01-01', end: '2024-12-31' } }, 'period');
  await create({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
    subject: { reference: 'http://other.example/fhir/Patient/1' }, component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    ] }, 'bp');
  await create({ resourceType: 'DiagnosticReport', status: 'final', code: { text: 'PHQ-9' }, result: [{ reference: `Observation/${ids.phq1}` }] }, 'report');
  await create({ resourceType: 'Observation', status: 'final', code: { text: 'outside' },
    subject: { type: 'Patient', identifier: { system: 'http://other.example/mrn', value: 'X-9' } } }, 'byIdentifier');
});
afterAll(() => server.close());

describe('string', () => {
  test('default is starts-with, case- and accent-insensitive, on any name part', async () => {
    expect(await matchIds('Patient?name=mul')).toEqual(sorted('zoe', 'peter'));
    expect(await matchIds('Patient?name=ZOE')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?family=muller')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?name=ller')).toEqual([]);
    expect(await matchIds('Patient?name=zoe%20anne%20m')).toEqual(sorted('zoe'));
  });
  test(':contains and :exact', async () => {
    expect(await matchIds('Patient?name:contains=ller')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?family:exact=Müller')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?family:exact=muller')).toEqual([]);
  });
  test('comma is OR, repetition is AND', async () => {
    expect(await matchIds('Patient?name=smith,peter')).toEqual(sorted('peter', 'ann'));
    expect(await matchIds('Patient?name=mul&name=peter')).toEqual(sorted('peter'));
  });
});

describe('token', () => {
  test('code, system|code, |code, system|', async () => {
    expect(await matchIds('Observation?code=44261-6')).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds('Observation?code=http://loinc.org|70274-6')).toEqual(sorted('gad1'));
    expect(await matchIds('Observation?code=http://snomed.info/sct|70274-6')).toEqual([]);
    expect(await matchIds('Patient?identifier=|NOSYS-2')).toEqual(sorted('peter'));
    expect(await matchIds('Patient?identifier=|MRN-2')).toEqual([]);
    expect(await matchIds('Patient?identifier=http://hospital.example/mrn|')).toEqual(sorted('zoe', 'peter'));
    expect(await matchIds('Patient?gender=female&active=true')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?email=zoe@example.org')).toEqual(sorted('zoe'));
  });
  test(':not includes resources without the element; :text; :of-type', async () => {
    expect(await matchIds('Patient?active:not=true')).toEqual(sorted('peter', 'ann'));
    expect(await matchIds('Observation?code:text=phq')).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds('Observation?code:text=total')).toEqual(sorted('phq1', 'phq2', 'gad1'));
    expect(await matchIds('Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|MRN-1')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|MRN-2')).toEqual([]);
  });
  test('_id, with :not', async () => {
    expect(await matchIds(`Patient?_id=${ids.zoe},${ids.ann}`)).toEqual(sorted('zoe', 'ann'));
    expect(await matchIds(`Patient?_id:not=${ids.zoe}`)).toEqual(sorted('peter', 'ann'));
  });
});

describe('date', () => {
  test('implicit precision ranges and every prefix', async () => {
    expect(await matchIds('Observation?date=2024-03')).toEqual(sorted('phq1', 'gad1'));
    expect(await matchIds('Observation?date=2024-03-05')).toEqual(sorted('phq1'));
    expect(await matchIds('Observation?date=2024')).toEqual(sorted('phq1', 'phq2', 'gad1', 'period'));
    expect(await matchIds('Observation?date=ne2024-03')).toEqual(sorted('phq2', 'period'));
    expect(await matchIds('Observation?date=gt2024-03-31')).toEqual(sorted('phq2', 'period'));
    expect(await matchIds('Observation?date=lt2024-03-06')).toEqual(sorted('phq1', 'period'));
    expect(await matchIds('Observation?date=ge2024-03-20')).toEqual(sorted('phq2', 'gad1', 'period'));
    expect(await matchIds('Observation?date=le2024-03-20')).toEqual(sorted('phq1', 'gad1', 'period'));
    expect(await matchIds('Observation?date=sa2024-03-10')).toEqual(sorted('phq2', 'gad1'));
    expect(await matchIds('Observation?date=eb2024-03-10')).toEqual(sorted('phq1'));
    expect(await matchIds('Observation?date=ge2024-01-01&date=lt2024-03-10')).toEqual(sorted('phq1', 'period'));
  });
  test('Period: eq needs the whole period inside the search range; ap overlaps', async () => {
    expect(await matchIds('Observation?date=2024-06')).toEqual([]);
    expect(await matchIds(`Observation?date=ap2024-06-15&_id=${ids.period}`)).toEqual(sorted('period'));
  });
  test('dates in the birthDate of a patient: year precision on both sides', async () => {
    expect(await matchIds('Patient?birthdate=1985')).toEqual(sorted('peter'));
    expect(await matchIds('Patient?birthdate=1985-06')).toEqual([]);
    expect(await matchIds('Patient?birthdate=lt1986')).toEqual(sorted('peter'));
  });
  test('an invalid date is a 400 OperationOutcome', async () => {
    const res = await server.http.get('/fhir/Observation?date=2024-13-01');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/Invalid date/);
  });
});

describe('number and quantity', () => {
  test('prefixes and implicit precision', async () => {
    expect(await matchIds('Observation?value-quantity=12')).toEqual(sorted('phq1'));
    expect(await matchIds('Observation?value-quantity=8')).toEqual([]);
    expect(await matchIds('Observation?value-quantity=8.5')).toEqual(sorted('phq2'));
    expect(await matchIds('Observation?value-quantity=gt10')).toEqual(sorted('phq1', 'gad1'));
    expect(await matchIds('Observation?value-quantity=le12')).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds('Observation?value-quantity=ap14')).toEqual(sorted('gad1'));
    expect(await matchIds('Observation?value-quantity=12|http://unitsofmeasure.org|{score}')).toEqual(sorted('phq1'));
    expect(await matchIds('Observation?value-quantity=12||{score}')).toEqual(sorted('phq1'));
    expect(await matchIds('Observation?value-quantity=12|http://unitsofmeasure.org|mg')).toEqual([]);
  });
  test('composite: code and value from the same component', async () => {
    expect(await matchIds('Observation?component-code-value-quantity=http://loinc.org|8480-6$gt100')).toEqual(sorted('bp'));
    expect(await matchIds('Observation?component-code-value-quantity=http://loinc.org|8462-4$gt100')).toEqual([]);
    expect(await matchIds('Observation?code-value-quantity=44261-6$ge12')).toEqual(sorted('phq1'));
  });
});

describe('reference', () => {
  test('id, Type/id, our absolute URL, other servers, :Type, :missing', async () => {
    expect(await matchIds(`Observation?subject=Patient/${ids.zoe}`)).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds(`Observation?patient=${ids.zoe}`)).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds(`Observation?subject=http://localhost:8080/fhir/Patient/${ids.zoe}`)).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds(`Observation?subject=Patient/${ids.ann}`)).toEqual(sorted('period'));
    expect(await matchIds('Observation?subject=http://other.example/fhir/Patient/1')).toEqual(sorted('bp'));
    expect(await matchIds('Observation?subject=1')).toEqual([]);
    expect(await matchIds('Observation?subject:identifier=http://other.example/mrn|X-9')).toEqual(sorted('byIdentifier'));
    expect(await matchIds('Observation?subject:identifier=X-9')).toEqual(sorted('byIdentifier'));
    expect(await matchIds(`Observation?subject:Patient=${ids.peter}`)).toEqual(sorted('gad1'));
    expect(await matchIds(`Observation?subject:Group=${ids.peter}`)).toEqual([]);
    expect(await matchIds('Observation?performer:missing=false')).toEqual(sorted('phq1'));
    expect(await matchIds('Observation?value-quantity:missing=true')).toEqual(sorted('period', 'bp', 'byIdentifier'));
  });
  test('chains and reverse chains', async () => {
    expect(await matchIds('Observation?subject:Patient.name=zoe')).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds('Observation?patient.gender=male')).toEqual(sorted('gad1'));
    expect(await matchIds('Observation?performer.family=mueller')).toEqual(sorted('phq1'));
    expect(await matchIds('Patient?_has:Observation:patient:code=70274-6')).toEqual(sorted('peter'));
    expect(await matchIds('Practitioner?_has:Observation:performer:subject:Patient.name=zoe')).toEqual(sorted('doc'));
    expect(await matchIds('Patient?_has:Observation:patient:_has:DiagnosticReport:result:status=final')).toEqual(sorted('zoe'));
    expect(await matchIds('Patient?_has:Observation:patient:_has:DiagnosticReport:result:status=amended')).toEqual([]);
  });
});

describe('unknown parameters and request forms', () => {
  test('ignored and reported; self link shows only what was applied; strict refuses', async () => {
    const bundle = await search('Patient?name=smith&foo=bar&name:fuzzy=x');
    expect(bundle.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id)).toEqual([ids.ann]);
    const outcome = bundle.entry!.find((e) => e.search?.mode === 'outcome')!.resource as { issue: { diagnostics: string }[] };
    expect(outcome.issue.map((i) => i.diagnostics).join(' ')).toMatch(/foo.*ignored.*name:fuzzy/s);
    expect(bundle.link!.find((l) => l.relation === 'self')!.url).toBe(`${server.baseUrl}/Patient?name=smith`);
    const strict = await server.http.get('/fhir/Patient?name=smith&foo=bar').set('Prefer', 'handling=strict');
    expect(strict.status).toBe(400);
    expect(strict.body.resourceType).toBe('OperationOutcome');
    expect(strict.body.issue[0].diagnostics).toMatch(/foo/);
  });
  test('POST _search with a form body gives the same result as GET', async () => {
    const get = await search('Observation?code=44261-6&_sort=date');
    const post = await server.http.post('/fhir/Observation/_search').type('form').send('code=44261-6&_sort=date');
    expect(post.status).toBe(200);
    expect(post.body.entry.map((e: { resource: Resource }) => e.resource.id)).toEqual(get.entry!.map((e) => e.resource!.id));
    expect(post.body.link[0].url).toBe(get.link![0].url);
  });
  test('system search with _type, and compartment search', async () => {
    expect(await matchIds(`?_type=Patient,Practitioner&_id=${ids.zoe},${ids.doc}`)).toEqual(sorted('zoe', 'doc'));
    expect(await matchIds(`?_id=${ids.zoe},${ids.doc},${ids.report}`)).toEqual(sorted('zoe', 'doc', 'report'));
    expect(await matchIds('?_type=Patient,Practitioner&name=mu')).toEqual(sorted('zoe', 'peter', 'doc'));
    expect(await matchIds(`Patient/${ids.zoe}/Observation`)).toEqual(sorted('phq1', 'phq2'));
    expect(await matchIds(`Patient/${ids.zoe}/Observation?code=44261-6&date=2024-04`)).toEqual(sorted('phq2'));
    const outside = await server.http.get(`/fhir/Patient/${ids.zoe}/Organization`);
    expect(outside.status).toBe(400);
  });
});
