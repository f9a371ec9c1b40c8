/** Token :in/:not-in/:above/:below against terminology held by the server; uri :above/:below; meta parameters; _list. */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
const ids: Record<string, string> = {};
const SYS = 'http://example.org/CodeSystem/moods';

async function create(resource: Resource & Record<string, unknown>, key?: string): Promise<string> {
  const res = await server.http.post(`/fhir/${resource.resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (key) ids[key] = res.body.id;
  return res.body.id;
}

async function matchIds(url: string): Promise<string[]> {
  const res = await server.http.get(`/fhir/${url}`);
  if (res.status !== 200) throw new Error(`search ${url} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return ((res.body as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!).sort();
}

const sorted = (...keys: string[]) => keys.map((k) => ids[k]).sort();
const condition = (key: string, system: string, code: string, extra: Record<string, unknown> = {}) => create({
  resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system, code }] }, ...extra,
}, key);

beforeAll(async () => {
  server = await startTestServer();
  // mood → {anxious → {panic}, low → {depressed}}, plus a flat "calm"
  await create({ resourceType: 'CodeSystem', url: SYS, status: 'active', content: 'complete', hierarchyMeaning: 'is-a', concept: [
    { code: 'mood', concept: [{ code: 'anxious', concept: [{ code: 'panic' }] }, { code: 'low', concept: [{ code: 'depressed' }] }] },
    { code: 'calm' },
  ] });
  await create({ resourceType: 'ValueSet', url: 'http://example.org/ValueSet/anxiety', status: 'active', compose: { include: [{ system: SYS, filter: [{ property: 'concept', op: 'is-a', value: 'anxious' }] }] } }, 'vsAnxiety');
  await create({ resourceType: 'ValueSet', url: 'http://example.org/ValueSet/listed', status: 'active', compose: { include: [
    { system: SYS, concept: [{ code: 'calm' }] }, { system: 'http://snomed.info/sct', concept: [{ code: '35489007' }] }] } });
  await create({ resourceType: 'ValueSet', url: 'http://example.org/ValueSet/all-snomed-but-one', status: 'active', compose: {
    include: [{ system: 'http://snomed.info/sct' }], exclude: [{ system: 'http://snomed.info/sct', concept: [{ code: '35489007' }] }] } });
  await create({ resourceType: 'ValueSet', url: 'http://example.org/ValueSet/imports', status: 'active', compose: {
    include: [{ valueSet: ['http://example.org/ValueSet/anxiety'] }, { valueSet: ['http://example.org/ValueSet/listed'] }] } });
  await condition('panic', SYS, 'panic');
  await condition('anxious', SYS, 'anxious');
  await condition('depressed', SYS, 'depressed');
  await condition('calm', SYS, 'calm');
  await condition('snomedDep', 'http://snomed.info/sct', '35489007', { meta: { tag: [{ system: 'http://example.org/tags', code: 'review' }],
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }], profile: ['http://example.org/StructureDefinition/iop-condition'],
    source: 'http://ehr.example.org' } });
  await condition('snomedOther', 'http://snomed.info/sct', '73595000');
  await create({ resourceType: 'List', status: 'current', mode: 'working', entry: [
    { item: { reference: `Condition/${ids.panic}` } }, { item: { reference: `Condition/${ids.calm}` } }] }, 'list');
});
afterAll(() => server.close());

describe('token :below / :above over a CodeSystem hierarchy on this server', () => {
  test(':below is the code and its descendants; :above the code and its ancestors', async () => {
    expect(await matchIds(`Condition?code:below=${SYS}|anxious`)).toEqual(sorted('panic', 'anxious'));
    expect(await matchIds(`Condition?code:below=${SYS}|mood`)).toEqual(sorted('panic', 'anxious', 'depressed'));
    expect(await matchIds(`Condition?code:above=${SYS}|panic`)).toEqual(sorted('panic', 'anxious'));
  });
  test('without a known CodeSystem, :below matches the code itself, and the Bundle says so', async () => {
    expect(await matchIds('Condition?code:below=http://snomed.info/sct|35489007')).toEqual(sorted('snomedDep'));
    const res = await server.http.get('/fhir/Condition?code:below=http://snomed.info/sct|35489007');
    const outcome = (res.body as Bundle).entry!.find((e) => e.search?.mode === 'outcome')!.resource as { issue: { diagnostics: string }[] };
    expect(outcome.issue[0].diagnostics).toMatch(/CodeSystem http:\/\/snomed.info\/sct is not held/);
  });
});

describe('token :in / :not-in against ValueSets on this server', () => {
  test('filters, concept lists, whole systems minus exclusions, imports; by url or ValueSet/id', async () => {
    expect(await matchIds('Condition?code:in=http://example.org/ValueSet/anxiety')).toEqual(sorted('panic', 'anxious'));
    expect(await matchIds(`Condition?code:in=ValueSet/${ids.vsAnxiety}`)).toEqual(sorted('panic', 'anxious'));
    expect(await matchIds('Condition?code:in=http://example.org/ValueSet/listed')).toEqual(sorted('calm', 'snomedDep'));
    expect(await matchIds('Condition?code:in=http://example.org/ValueSet/all-snomed-but-one')).toEqual(sorted('snomedOther'));
    expect(await matchIds('Condition?code:in=http://example.org/ValueSet/imports')).toEqual(sorted('panic', 'anxious', 'calm', 'snomedDep'));
    expect(await matchIds('Condition?code:not-in=http://example.org/ValueSet/imports')).toEqual(sorted('depressed', 'snomedOther'));
  });
  test('a ValueSet the server does not hold is a 400', async () => {
    const res = await server.http.get('/fhir/Condition?code:in=http://example.org/ValueSet/unknown');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/not held by this server/);
  });
});

describe('uri and meta parameters', () => {
  test('uri exact, :below and :above', async () => {
    expect(await matchIds('ValueSet?url=http://example.org/ValueSet/listed')).toHaveLength(1);
    expect(await matchIds('ValueSet?url:below=http://example.org/ValueSet')).toHaveLength(4);
    expect(await matchIds('ValueSet?url:below=http://example.org/Value')).toHaveLength(0);
    expect(await matchIds('CodeSystem?url:above=http://example.org/CodeSystem/moods/v2/extra')).toHaveLength(1);
  });
  test('_tag, _security, _profile, _source', async () => {
    expect(await matchIds('Condition?_tag=http://example.org/tags|review')).toEqual(sorted('snomedDep'));
    expect(await matchIds('Condition?_security=PSY')).toEqual(sorted('snomedDep'));
    expect(await matchIds('Condition?_security:not=PSY')).toHaveLength(5);
    expect(await matchIds('Condition?_profile=http://example.org/StructureDefinition/iop-condition')).toEqual(sorted('snomedDep'));
    expect(await matchIds('Condition?_source=http://ehr.example.org')).toEqual(sorted('snomedDep'));
  });
  test('_list and _lastUpdated', async () => {
    expect(await matchIds(`Condition?_list=${ids.list}`)).toEqual(sorted('panic', 'calm'));
    expect(await matchIds(`Condition?_list=List/${ids.list}&code:below=${SYS}|mood`)).toEqual(sorted('panic'));
    expect(await matchIds('Condition?_lastUpdated=gt2000-01-01')).toHaveLength(6);
    expect(await matchIds('Condition?_lastUpdated=lt2000-01-01')).toHaveLength(0);
  });
});
