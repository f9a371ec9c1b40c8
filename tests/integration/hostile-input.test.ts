/**
 * Issue 12, items 1–4 and 8, one example per class of hostile input (the fuzz suite, fuzz-hostile.test.ts, looks
 * for the rest): input the database cannot hold, malformed URLs on every kind of route, shapes the handlers do
 * not expect, exhaustion, and the audit of every refusal. Each answer is a 4xx OperationOutcome naming what was
 * wrong, never a 500.
 */
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import request from 'supertest';
import { answerClientErrors } from '../../server/src/http/client-errors';
import { MAX_BUNDLE_ENTRIES } from '../../server/src/fhir/bundle-entries';
import { MAX_JSON_ARRAY, MAX_JSON_DEPTH } from '../../server/src/json-limits';
import { listen } from '../support/auth-live-server';
import { startTestServer, TestServer } from '../support/test-server';

jest.setTimeout(300_000);

const json = 'application/fhir+json';
let server: TestServer;
let patientId: string;

beforeAll(async () => {
  server = await startTestServer();
  const created = await server.http.post('/fhir/Patient').set('Content-Type', json).send({ resourceType: 'Patient', name: [{ family: 'Hostile' }] });
  patientId = created.body.id;
});
afterAll(() => server.close());

type Res = { status: number; body: { resourceType?: string; issue?: { diagnostics?: string; expression?: string[] }[] }; text: string };
function refused(res: Res, status: number, names?: RegExp): void {
  expect([res.status, res.body.resourceType]).toEqual([status, 'OperationOutcome']);
  if (names) expect(`${res.body.issue?.[0].diagnostics} ${res.body.issue?.[0].expression?.join(' ') ?? ''}`).toMatch(names);
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d+|invalid byte sequence|SELECT /);
}

describe('item 1: input the database cannot hold is a 400 naming the parameter or element, checked before SQL', () => {
  test('NUL in ids and in every kind of search value, by URL, form, If-None-Exist, Bundle entry and conditional write', async () => {
    refused(await server.http.get('/fhir/Patient/a%00b'), 400, /NUL/);
    for (const name of ['_id', 'name', 'identifier', 'birthdate', 'general-practitioner', 'organization:identifier', '_has:Observation:patient:code']) {
      refused(await server.http.get(`/fhir/Patient?${name}=x%00y`), 400, new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    }
    refused(await server.http.get('/fhir/Observation?code-value-quantity=a%00$1'), 400, /code-value-quantity/);
    refused(await server.http.post('/fhir/Patient/_search').set('Content-Type', 'application/x-www-form-urlencoded').send('name=a%00'), 400, /name/);
    refused(await server.http.post('/fhir/Patient').set('Content-Type', json).set('If-None-Exist', 'identifier=a%00').send({ resourceType: 'Patient' }), 400, /identifier/);
    refused(await server.http.delete('/fhir/Patient?identifier=a%00'), 400, /identifier/);
    const bundle = await server.http.post('/fhir').set('Content-Type', json)
      .send({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient?family=a%00' } }] });
    refused(bundle, 400, /Bundle\.entry\[0\]/);
  });

  test('NUL and unpaired surrogates in JSON strings and property names are refused naming the element', async () => {
    const post = (text: string) => server.http.post('/fhir/Patient').set('Content-Type', json).send(text);
    refused(await post('{"resourceType":"Patient","name":[{"family":"a\\u0000b"}]}'), 400, /Patient\.name\[0\]\.family/);
    refused(await post('{"resourceType":"Patient","name":[{"given":["ok","\\ud800"]}]}'), 400, /Patient\.name\[0\]\.given\[1\].*surrogate/);
    refused(await post('{"resourceType":"Patient","name":[{"family":"\\udc00x"}]}'), 400, /surrogate/);
    refused(await post('{"resourceType":"Patient","x\\u0000":1}'), 400, /property name/);
    // A pair is a character, not a problem.
    expect((await post('{"resourceType":"Patient","name":[{"family":"\\ud83d\\ude00"}]}')).status).toBe(201);
  });

  test('version ids that overflow integer name no version (404); malformed numbers in composite quantities are 400', async () => {
    for (const vid of ['1e10', '99999999999', '2147483648', '0x1', '-1']) refused(await server.http.get(`/fhir/Patient/${patientId}/_history/${vid}`), 404);
    refused(await server.http.get('/fhir/Observation?code-value-quantity=http://loinc.org|8480-6$0x10'), 400, /code-value-quantity/);
    refused(await server.http.get('/fhir/Observation?code-value-quantity=http://loinc.org|8480-6$gt1e99999'), 400, /code-value-quantity/);
    refused(await server.http.get('/fhir/Observation?value-quantity=0b101'), 400, /value-quantity/);
  });

  test('values far longer than a btree entry are stored and found: by prefix (string) and exactly (token)', async () => {
    const family = `Long${randomBytes(250_000).toString('hex')}`; // half a megabyte that does not compress
    const system = `http://long.example/${randomBytes(50_000).toString('hex')}`;
    const value = randomBytes(50_000).toString('hex');
    const res = await server.http.post('/fhir/Patient').set('Content-Type', json)
      .send({ resourceType: 'Patient', name: [{ family }], identifier: [{ system, value }] });
    expect(res.status).toBe(201);
    const found = async (query: string) => ((await server.http.post('/fhir/Patient/_search').set('Content-Type', 'application/x-www-form-urlencoded').send(query)).body.entry ?? [])
      .map((e: { resource: { id: string } }) => e.resource.id);
    expect(await found(`family=${family.slice(0, 30)}`)).toEqual([res.body.id]);
    expect(await found(`family=${family.slice(0, 5000)}`)).toEqual([res.body.id]);
    expect(await found(`identifier=${encodeURIComponent(system)}|${value}`)).toEqual([res.body.id]);
    // another value of the same length (the random one may itself end in 0)
    expect(await found(`identifier=${encodeURIComponent(system)}|${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`)).toEqual([]);
    expect(await found(`identifier=${value}`)).toEqual([res.body.id]);
  });
});

describe('item 2: malformed percent-encoding in a path is a 400 on every route', () => {
  const BAD = ['%FF%FE', '%zz', '%', '%C0%AF', '%ED%A0%80', 'a%00'];
  const PATHS = (bad: string) => [
    `/fhir/Patient/${bad}`, `/fhir/${bad}`, `/fhir/Patient/${bad}/_history/1`, `/fhir/Patient/x/_history/${bad}`, `/fhir/Patient/${bad}/$everything`,
    `/fhir/bulk-export/${bad}`, `/fhir/bulk-export/00000000-0000-4000-8000-000000000000/${bad}`, `/fhir/profiles/${bad}`,
    `/admin/clients/${bad}`, `/auth/${bad}`, `/apps/${bad}/`, `/${bad}`,
  ];
  test('every route family, with and without a token', async () => {
    for (const bad of BAD) {
      for (const path of PATHS(bad)) {
        refused(await server.http.get(path), 400, /percent-encoding|NUL/);
        refused(await server.anonymous.get(path), 400);
      }
    }
    refused(await server.http.delete('/fhir/bulk-export/%zz'), 400);
  });

  test('parameters named like JavaScript object properties (toString, constructor, __proto__) are parameters like any other', async () => {
    // Found by the route-table fuzz test: `GET Consent/{id}/$validate?toString=…` was a 500.
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const query = `${encodeURIComponent(name)}=1`;
      refused(await server.http.get(`/fhir/Patient?${query}`).set('Prefer', 'handling=strict'), 400, new RegExp(`unknown search parameter ${name}`));
      const form = await server.http.post('/fhir/Patient/_search').set('Prefer', 'handling=strict').type('form').send(query);
      // Express's form parser drops a `__proto__` key before the search sees it: that one is ignored, not refused.
      if (name === '__proto__') expect([form.status, form.body.resourceType]).toEqual([200, 'Bundle']);
      else refused(form, 400, new RegExp(name));
      const lenient = await server.http.get(`/fhir/Patient?${query}`);
      expect([lenient.status, lenient.body.resourceType]).toEqual([200, 'Bundle']);
      const validate = await server.http.get(`/fhir/Patient/${patientId}/$validate?${query}`);
      expect(validate.status).toBeLessThan(500);
      const conditional = await server.http.post('/fhir/Patient').set('Content-Type', json).set('If-None-Exist', query).send({ resourceType: 'Patient' });
      expect([conditional.status, conditional.body.resourceType]).toEqual([400, 'OperationOutcome']);
      const patch = await server.http.patch(`/fhir/Patient/${patientId}`).set('Content-Type', json).send({
        resourceType: 'Parameters',
        parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name, valueString: 'x' }] }],
      });
      expect(patch.status).toBeLessThan(500);
    }
  });

  test('a path is decoded once: %2541 is the id "%41", not "A"', async () => {
    refused(await server.http.get('/fhir/Patient/%2541'), 400, /Invalid resource id: "%41"/);
  });

  test('a request line over 16 KB is a 431 OperationOutcome from the listening server (main.ts wiring)', async () => {
    const live: Server = createServer(server.app);
    answerClientErrors(live);
    try {
      const res = await request(`http://127.0.0.1:${await listen(live)}`).get(`/fhir/Patient?name=${'x'.repeat(20_000)}`);
      refused(res as unknown as Res, 431, /16 KB/);
    } finally {
      live.closeAllConnections();
      await new Promise((resolve) => live.close(resolve));
    }
  });
});

describe('item 3: shapes the handlers do not expect are 400 naming the entry or parameter', () => {
  test('Bundle entries', async () => {
    const send = (entry: unknown, type = 'batch') => server.http.post('/fhir').set('Content-Type', json).send({ resourceType: 'Bundle', type, entry });
    refused(await send([null]), 400, /Bundle\.entry\[0\]/);
    refused(await send('x'), 400, /Bundle\.entry/);
    refused(await send({}), 400, /Bundle\.entry/);
    refused(await send([{ request: { method: 'GET', url: 'Patient' } }, 7], 'transaction'), 400, /Bundle\.entry\[1\]/);
    refused(await send([{ request: 'GET Patient' }]), 400, /Bundle\.entry\[0\]\.request/);
    refused(await send([{ request: { method: 'GET', url: 5 } }]), 400, /Bundle\.entry\[0\]\.request\.url/);
    refused(await send([{ request: { method: 'FETCH', url: 'Patient' } }]), 400, /Bundle\.entry\[0\]\.request\.method/);
    refused(await send([{ fullUrl: 5, request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } }], 'transaction'), 400, /fullUrl/);
    refused(await send([{ request: { method: 'POST', url: 'Patient', ifNoneExist: ['x'] }, resource: { resourceType: 'Patient' } }], 'transaction'), 400, /ifNoneExist/);
    refused(await send([{ request: { method: 'POST', url: 'Patient' }, resource: [] }], 'transaction'), 400, /Bundle\.entry\[0\]\.resource/);
  });

  test("every operation's Parameters", async () => {
    const post = (path: string, parameter: unknown) => server.http.post(`/fhir/${path}`).set('Content-Type', json).send({ resourceType: 'Parameters', parameter });
    refused(await post('ConceptMap/$translate', [{ name: 'codeableConcept', valueCodeableConcept: { coding: 'x' } }]), 400, /Parameters\.parameter\[0\]/);
    refused(await post('CodeSystem/$lookup', [{ name: 'coding', valueCoding: 'x' }]), 400, /Parameters\.parameter\[0\]/);
    refused(await post('ValueSet/$expand', [{ name: 'valueSet', resource: 'x' }]), 400, /Parameters\.parameter\[0\]\.resource/);
    refused(await post('Patient/$validate', 'x'), 400, /Parameters\.parameter/);
    refused(await post(`Patient/${patientId}/$everything`, [{ name: '_count', valueInteger: 'many' }]), 400, /Parameters\.parameter\[0\]/);
    refused(await post('Appointment/x/$record-attendance', [null]), 400, /Parameters\.parameter/);
  });
});

describe('item 4: exhaustion is refused with the limit named, and bounded work is answered', () => {
  const nested = (depth: number) => `{"resourceType":"Patient","extension":[${'{"url":"http://x","extension":['.repeat(depth)}{"url":"http://x","valueString":"x"}${']}'.repeat(depth)}]}`;

  test(`nesting deeper than ${MAX_JSON_DEPTH} (10,000 nested extensions, 20,000 nested arrays) is a 400 naming the limit`, async () => {
    refused(await server.http.post('/fhir/Patient').set('Content-Type', json).send(nested(10_000)), 400, new RegExp(`deeper than ${MAX_JSON_DEPTH}`));
    refused(await server.http.post('/fhir/Patient').set('Content-Type', json).send(`{"resourceType":"Patient","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`), 400, /deeper than/);
    refused(await server.http.post('/fhir').set('Content-Type', json).send(`{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"POST","url":"Patient"},"resource":${nested(5_000)}}]}`), 400, /deeper than/);
    // Forty nested extensions are fine.
    expect((await server.http.post('/fhir/Patient').set('Content-Type', json).send(nested(40))).status).toBe(201);
  });

  test(`an array of more than ${MAX_JSON_ARRAY} items (200,000 names) is a 413 naming the limit`, async () => {
    const names = Array.from({ length: 200_000 }, () => ({ family: 'a' }));
    refused(await server.http.post('/fhir/Patient').set('Content-Type', json).send({ resourceType: 'Patient', name: names }), 413, new RegExp(`Patient\\.name has 200000 items; at most ${MAX_JSON_ARRAY}`));
  });

  test(`a 20,000-entry batch is answered at once: 413 naming the limit of ${MAX_BUNDLE_ENTRIES}; a Bundle at the limit is processed`, async () => {
    const entry = (i: number) => ({ request: { method: 'POST', url: 'Basic' }, resource: { resourceType: 'Basic', code: { text: `b${i}` } } });
    const started = Date.now();
    const tooBig = await server.http.post('/fhir').set('Content-Type', json).send({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 20_000 }, (_, i) => entry(i)) });
    refused(tooBig, 413, new RegExp(`20000 entries; at most ${MAX_BUNDLE_ENTRIES}`));
    expect(Date.now() - started).toBeLessThan(10_000);
    const atLimit = await server.http.post('/fhir').set('Content-Type', json).send({ resourceType: 'Bundle', type: 'transaction', entry: Array.from({ length: MAX_BUNDLE_ENTRIES }, (_, i) => entry(i)) });
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.entry).toHaveLength(MAX_BUNDLE_ENTRIES);
  });
});

describe('item 8: every refusal is audited, and an audit failure never turns a 4xx into a 500', () => {
  test('refusals before any token is verified leave an AuditEvent with the request line', async () => {
    const marked = (path: string) => `${path}${path.includes('?') ? '&' : '?'}m=${randomBytes(8).toString('hex')}`;
    const refusals: [string, () => request.Test][] = [
      ['malformed URL', () => server.anonymous.get(marked('/fhir/Patient/%zz'))],
      ['unknown path', () => server.anonymous.get(marked('/nothing/here'))],
      ['unsupported media type', () => server.anonymous.post(marked('/fhir/Patient')).set('Content-Type', 'text/plain').send('x')],
      ['bulk export without a token', () => server.anonymous.get(marked('/fhir/bulk-export/someone-elses'))],
      ['a bad token', () => server.anonymous.get(marked('/fhir/Patient')).set('Authorization', 'Bearer not-a-token')],
      ['an unstorable body', () => server.http.post(marked('/fhir/Patient')).set('Content-Type', json).send('{"resourceType":"Patient","name":[{"family":"\\u0000"}]}')],
    ];
    for (const [what, send] of refusals) {
      const sent = send();
      const marker = /m=([0-9a-f]{16})/.exec(sent.url)![1];
      const res = await sent;
      expect(res.status).toBeGreaterThanOrEqual(400);
      const { rows } = await server.pool.query(`SELECT outcome FROM audit_event WHERE content::text LIKE '%' || $1 || '%'`, [marker]);
      expect([what, rows.map((r) => r.outcome)]).toEqual([what, ['4']]);
    }
  });

  test('hostile text in a refusal is stored (as U+FFFD) and does not fail the reads that share its commit', async () => {
    const [refusal, ...reads] = await Promise.all([
      server.http.get('/fhir/Patient/%ED%A0%80').set('Authorization', 'Bearer \u00ff'),
      ...Array.from({ length: 20 }, () => server.http.get(`/fhir/Patient/${patientId}`)),
      server.anonymous.post('/auth/token').type('form').send('grant_type=x%00y&client_id=%00'),
    ]);
    expect(refusal.status).toBeLessThan(500);
    expect(reads.map((r) => r.status).filter((s) => s !== 200 && s !== 400)).toEqual([]);
  });

  test('when the audit table cannot be written, refusals are still answered with their 4xx', async () => {
    await server.pool.query('ALTER TABLE audit_event RENAME TO audit_event_unwritable');
    try {
      const started = Date.now();
      refused(await server.anonymous.get('/fhir/Patient/%zz'), 400);
      refused(await server.anonymous.get('/fhir/Patient'), 401);
      refused(await server.http.get('/fhir/Patient/a%00'), 400);
      const token = await server.anonymous.post('/auth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'nobody' });
      expect([token.status, token.body.error]).toEqual([401, 'invalid_client']);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await server.pool.query('ALTER TABLE audit_event_unwritable RENAME TO audit_event');
    }
  });
});
