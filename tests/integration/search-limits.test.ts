/**
 * The edges of search that the other files do not reach: chains at the maximum depth and beyond, dates held in
 * Timing values, the include limit reported (never a silent cap), _count above the maximum, _total in each mode,
 * and what is not supported (_contained=true) reported by default and refused under Prefer: handling=strict.
 */
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import {
  MAX_COUNT, MAX_FILTERS, MAX_INCLUDE_PARAMS, MAX_INCLUDES, MAX_SORT_KEYS, MAX_VALUES_PER_FILTER,
} from '../../server/src/search/search-request';
import { startTestServer, TestServer } from '../support/test-server';

jest.setTimeout(180_000);

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

const byMode = (bundle: Bundle, mode: string) => (bundle.entry ?? []).filter((e: BundleEntry) => e.search?.mode === mode);
const matchIds = async (url: string) => byMode(await search(url), 'match').map((e) => e.resource!.id!).sort();
const outcomeText = (bundle: Bundle) =>
  byMode(bundle, 'outcome').flatMap((e) => (e.resource as OperationOutcome).issue.map((i) => `${i.severity}: ${i.diagnostics}`)).join('\n');

beforeAll(async () => {
  server = await startTestServer();
  await create({ resourceType: 'Organization', name: 'Parent Health' }, 'parent');
  await create({ resourceType: 'Organization', name: 'Child Clinic', partOf: { reference: `Organization/${ids.parent}` } }, 'child');
  await create({ resourceType: 'Organization', name: 'Other Clinic' }, 'other');
  await create({ resourceType: 'Patient', name: [{ family: 'Inchild' }], gender: 'female', managingOrganization: { reference: `Organization/${ids.child}` } }, 'inChild');
  await create({ resourceType: 'Patient', name: [{ family: 'Inother' }], birthDate: '1980-02-03', managingOrganization: { reference: `Organization/${ids.other}` } }, 'inOther');
  await create({ resourceType: 'Patient', active: true }, 'anon');
  await create({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
    subject: { reference: `Patient/${ids.inChild}` }, valueQuantity: { value: 9, system: 'http://unitsofmeasure.org', code: '{score}' } }, 'obs-inChild');
  await create({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${ids.inOther}` } }, 'obs-inOther');
  await create({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${ids.inChild}` }, prediction: [{ probabilityDecimal: 0.3 }] }, 'risk');
  await create({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${ids.inOther}` } }, 'noRisk');
  // Timing: explicit events, and a repeat bounded by a period
  await create({ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${ids.inChild}` },
    instantiatesUri: ['http://iop.example.org/protocols/phq9-weekly'], occurrenceTiming: { event: ['2024-05-02T09:00:00Z', '2024-05-09T09:00:00Z'] } }, 'events');
  await create({ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${ids.inChild}` },
    occurrenceTiming: { repeat: { boundsPeriod: { start: '2024-06-01', end: '2024-06-30' }, frequency: 3, period: 1, periodUnit: 'wk' } } }, 'bounded');
});
afterAll(() => server.close());

describe('chains', () => {
  test('three links deep are followed; a fourth is reported as unsupported, and refused when strict', async () => {
    expect(await matchIds('Observation?subject:Patient.organization.partof.name=parent')).toEqual([ids['obs-inChild']]);
    expect(await matchIds('Observation?subject:Patient.organization.name=other')).toEqual([ids['obs-inOther']]);
    const tooDeep = await search('Observation?subject:Patient.organization.partof.partof.name=parent');
    expect(outcomeText(tooDeep)).toMatch(/chains longer than 3/);
    expect(byMode(tooDeep, 'match')).toHaveLength(2); // ignored: every Observation matches
    const strict = await server.http.get('/fhir/Observation?subject:Patient.organization.partof.partof.name=parent').set('Prefer', 'handling=strict');
    expect(strict.status).toBe(400);
  });
});

describe('dates in Timing values', () => {
  test('each event is a date; a repeat with boundsPeriod covers the period', async () => {
    expect(await matchIds('ServiceRequest?occurrence=2024-05-09')).toEqual([ids.events]);
    expect(await matchIds('ServiceRequest?occurrence=2024-05-05')).toEqual([]);
    expect(await matchIds('ServiceRequest?occurrence=2024-06')).toEqual([ids.bounded]);
    expect(await matchIds('ServiceRequest?occurrence=ge2024-05-08')).toEqual([ids.bounded, ids.events].sort());
    expect(await matchIds('ServiceRequest?occurrence=lt2024-05-03')).toEqual([ids.events]);
  });
});

describe(':missing', () => {
  test('on every parameter type: true finds resources without a value, false those with one', async () => {
    const cases: [string, string[], string[]][] = [
      ['Patient?name:missing', ['anon'], ['inChild', 'inOther']], // string
      ['Patient?gender:missing', ['inOther', 'anon'], ['inChild']], // token
      ['Patient?birthdate:missing', ['inChild', 'anon'], ['inOther']], // date
      ['Patient?organization:missing', ['anon'], ['inChild', 'inOther']], // reference
      ['RiskAssessment?probability:missing', ['noRisk'], ['risk']], // number
      ['Observation?value-quantity:missing', ['obs-inOther'], ['obs-inChild']], // quantity
      ['ServiceRequest?instantiates-uri:missing', ['bounded'], ['events']], // uri
      ['Observation?code-value-quantity:missing', ['obs-inOther'], ['obs-inChild']], // composite
    ];
    for (const [query, without, withValue] of cases) {
      expect([query, await matchIds(`${query}=true`)]).toEqual([query, without.map((k) => ids[k]).sort()]);
      expect([query, await matchIds(`${query}=false`)]).toEqual([query, withValue.map((k) => ids[k]).sort()]);
    }
  });
});

describe('limits are reported, never silent', () => {
  test(`more than ${MAX_INCLUDES} included resources: the first ${MAX_INCLUDES} are included and an OperationOutcome says so`, async () => {
    const patient = await create({ resourceType: 'Patient', name: [{ family: 'Manyobs' }] });
    const entry = (i: number) => ({
      resource: { resourceType: 'Observation', status: 'final', code: { text: `n${i}` }, subject: { reference: `Patient/${patient}` } },
      request: { method: 'POST', url: 'Observation' },
    });
    const res = await server.http.post('/fhir').set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: MAX_INCLUDES + 5 }, (_, i) => entry(i)) });
    expect(res.status).toBe(200);
    const bundle = await search(`Patient?_id=${patient}&_revinclude=Observation:subject`);
    expect(byMode(bundle, 'match')).toHaveLength(1);
    expect(byMode(bundle, 'include')).toHaveLength(MAX_INCLUDES);
    const outcome = byMode(bundle, 'outcome')[0].resource as OperationOutcome;
    expect(outcome.issue).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'warning', code: 'incomplete' })]));
    expect(outcomeText(bundle)).toMatch(new RegExp(`More than ${MAX_INCLUDES} resources matched _include/_revinclude`));
    // Under the limit there is no such note.
    const small = await search(`Patient?_id=${ids.inChild}&_revinclude=Observation:subject`);
    expect(byMode(small, 'include')).toHaveLength(1);
    expect(byMode(small, 'outcome')).toEqual([]);
  });

  test('_count above the maximum is lowered and the Bundle says so', async () => {
    const bundle = await search(`Organization?_count=${MAX_COUNT + 1}`);
    expect(byMode(bundle, 'match')).toHaveLength(3);
    expect(outcomeText(bundle)).toMatch(new RegExp(`_count=${MAX_COUNT + 1} was lowered to the maximum page size ${MAX_COUNT}`));
    expect(bundle.link!.find((l) => l.relation === 'self')!.url).toContain(`_count=${MAX_COUNT}`);
  });
});

describe('_total', () => {
  test('none leaves it out; accurate counts beyond the page; estimate is the planner\'s figure', async () => {
    expect((await search('Organization?_count=1&_total=none')).total).toBeUndefined();
    expect((await search('Organization?_count=1&_total=accurate')).total).toBe(3);
    const estimate = (await search('Organization?_count=1&_total=estimate')).total;
    expect(Number.isInteger(estimate)).toBe(true);
    expect(estimate).toBeGreaterThanOrEqual(1);
    // A complete first page knows its total without a count query, whatever _total says.
    expect((await search('Organization?_total=none')).total).toBe(3);
  });
});

describe('unsupported result parameters', () => {
  test('_contained=true is reported and ignored (false is the default and accepted); strict refuses it', async () => {
    const bundle = await search('Organization?_contained=true');
    expect(byMode(bundle, 'match')).toHaveLength(3);
    expect(outcomeText(bundle)).toMatch(/_contained=true\/both is not supported/);
    expect(bundle.link!.find((l) => l.relation === 'self')!.url).not.toContain('_contained');
    expect(byMode(await search('Organization?_contained=false'), 'outcome')).toEqual([]);
    const strict = await server.http.get('/fhir/Organization?_contained=true').set('Prefer', 'handling=strict');
    expect(strict.status).toBe(400);
    expect(strict.body.issue[0].diagnostics).toMatch(/_contained/);
  });
});

describe('_summary on search results', () => {
  test('true keeps the summary elements, data drops the narrative, text keeps only it; each marked SUBSETTED', async () => {
    const id = await create({ resourceType: 'Practitioner', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Dr Summ</div>' },
      name: [{ family: 'Summ' }], photo: [{ contentType: 'image/png', data: 'iVBORw0KGgo=' }] });
    const only = async (summary: string) => {
      const bundle = await search(`Practitioner?_id=${id}&_summary=${summary}`);
      return byMode(bundle, 'match')[0].resource as unknown as Record<string, unknown> & { meta: { tag?: { code: string }[] } };
    };
    const summary = await only('true');
    expect([summary.name !== undefined, summary.photo, summary.meta.tag?.map((t) => t.code)]).toEqual([true, undefined, ['SUBSETTED']]);
    const data = await only('data');
    expect([data.text, data.photo !== undefined]).toEqual([undefined, true]);
    const text = await only('text');
    expect([text.text !== undefined, text.name, text.photo]).toEqual([true, undefined, undefined]);
    const full = await only('false');
    expect([full.text !== undefined, full.photo !== undefined]).toEqual([true, true]);
  });
});

describe('what one search may ask for is bounded, and the limit is named', () => {
  const refused = async (url: string, limit: number, form = false) => {
    const res = form
      ? await server.http.post('/fhir/Patient/_search').set('Content-Type', 'application/x-www-form-urlencoded').send(url)
      : await server.http.get(`/fhir/${url}`);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toContain(`at most ${limit}`);
  };

  test(`_sort keys (${MAX_SORT_KEYS}), _include/_revinclude values (${MAX_INCLUDE_PARAMS})`, async () => {
    expect((await server.http.get(`/fhir/Patient?_sort=${Array(MAX_SORT_KEYS).fill('name').join(',')}`)).status).toBe(200);
    await refused(`Patient?_sort=${Array(MAX_SORT_KEYS + 1).fill('name').join(',')}`, MAX_SORT_KEYS);
    await refused(`Patient?${Array(MAX_INCLUDE_PARAMS + 1).fill('_include=Patient:organization').join('&')}`, MAX_INCLUDE_PARAMS);
  });

  test(`search parameters (${MAX_FILTERS}) and values of one parameter (${MAX_VALUES_PER_FILTER}), in a URL or a form`, async () => {
    await refused(`Patient?${Array(MAX_FILTERS + 1).fill('gender=female').join('&')}`, MAX_FILTERS);
    await refused(`_id=${Array.from({ length: MAX_VALUES_PER_FILTER + 1 }, (_, i) => `p${i}`).join(',')}`, MAX_VALUES_PER_FILTER, true);
    const chained = await server.http.post('/fhir/Observation/_search').set('Content-Type', 'application/x-www-form-urlencoded')
      .send(`subject:Patient.name=${Array.from({ length: MAX_VALUES_PER_FILTER + 1 }, (_, i) => `n${i}`).join(',')}`);
    expect([chained.status, chained.body.issue?.[0].expression]).toEqual([400, ['name']]);
  });
});
