import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const json = 'application/fhir+json';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function create(type: string, body: object) {
  const res = await server.http.post(`/fhir/${type}`).set('Content-Type', json).send({ resourceType: type, ...body });
  expect(res.status).toBe(201);
  return res.body;
}

test('instance history lists every version newest first, with request and response per entry', async () => {
  const p = await create('Patient', { gender: 'female' });
  await server.http.put(`/fhir/Patient/${p.id}`).set('Content-Type', json).send({ resourceType: 'Patient', id: p.id, gender: 'male' });
  await server.http.delete(`/fhir/Patient/${p.id}`);
  const res = await server.http.get(`/fhir/Patient/${p.id}/_history`);
  expect(res.body.type).toBe('history');
  expect(res.body.entry.map((e: { response: { etag: string } }) => e.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
  expect(res.body.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
  expect(res.body.entry[1].resource.gender).toBe('male');
  expect((await server.http.get('/fhir/Patient/nope/_history')).status).toBe(404);
});

test('type and system history, _count paging with next links that do not shift under concurrent writes', async () => {
  for (let i = 0; i < 5; i++) await create('Practitioner', { name: [{ family: `P${i}` }] });
  await create('Organization', { name: 'Org' });
  const first = await server.http.get('/fhir/Practitioner/_history?_count=2');
  expect(first.body.entry).toHaveLength(2);
  expect(first.body.entry[0].resource.name[0].family).toBe('P4');
  const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
  // a write between pages must not shift the next page
  await create('Practitioner', { name: [{ family: 'late' }] });
  const second = await server.http.get(next.replace(server.baseUrl, '/fhir'));
  expect(second.body.entry.map((e: { resource: { name: { family: string }[] } }) => e.resource.name[0].family)).toEqual(['P2', 'P1']);

  const system = await server.http.get('/fhir/_history?_count=50');
  const types = new Set(system.body.entry.map((e: { fullUrl: string }) => e.fullUrl.split('/').slice(-2)[0]));
  expect(types).toEqual(new Set(['Patient', 'Practitioner', 'Organization']));
});

test('_since returns versions written at or after the instant; _at returns versions current at that time', async () => {
  const loc = await create('Location', { name: 'v1' });
  await sleep(20);
  const between = new Date().toISOString();
  await sleep(20);
  await server.http.put(`/fhir/Location/${loc.id}`).set('Content-Type', json).send({ resourceType: 'Location', id: loc.id, name: 'v2' });
  const since = await server.http.get(`/fhir/Location/${loc.id}/_history?_since=${encodeURIComponent(between)}`);
  expect(since.body.entry.map((e: { resource: { name: string } }) => e.resource.name)).toEqual(['v2']);
  const at = await server.http.get(`/fhir/Location/${loc.id}/_history?_at=${encodeURIComponent(between)}`);
  expect(at.body.entry.map((e: { resource: { name: string } }) => e.resource.name)).toEqual(['v1']);
  expect((await server.http.get('/fhir/Location/_history?_since=yesterday')).status).toBe(400);
});
