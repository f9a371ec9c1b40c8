/**
 * Property-based fuzzing of every route (fast-check): hostile ids, search values, headers, bodies, Bundles and
 * Parameters, sent to each entry of the FHIR route table (operations included), the bulk-export status and file
 * URLs, the OAuth endpoints, the browser flow and the admin API, with an all-access token, a narrow one and none.
 * Every answer must be below 500; a FHIR or admin refusal is an OperationOutcome, an OAuth refusal its JSON error
 * (or an OperationOutcome when refused before the endpoint, e.g. a malformed URL); no answer shows a stack or SQL.
 * A short run is part of `npm test`; FUZZ_RUNS=20000 runs each property that many times (FUZZ_SEED replays one).
 */
import { fc, test } from '@fast-check/jest';
import { createServer, Server } from 'node:http';
import request from 'supertest';
import { answerClientErrors } from '../../server/src/http/client-errors';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { listOperations } from '../../server/src/operations/registry';
import { listRoutes } from '../../server/src/fhir/router';
import { searchParamsFor } from '../../server/src/search/registry';
import { listen } from '../support/auth-live-server';
import { mintAdminToken, mintToken } from '../support/auth-tokens';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const PARAMS = { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true };
jest.setTimeout(Math.max(120_000, RUNS * 2_000));

let server: TestServer;
let live: Server;
let origin: string;
let admin: TestAgent;
let narrow: TestAgent;
let patientId: string;

beforeAll(async () => {
  server = await startTestServer();
  // A real listening server, wired as main.ts wires it, so refusals of Node's HTTP parser (431) are judged too.
  live = createServer(server.app);
  answerClientErrors(live);
  origin = `http://127.0.0.1:${await listen(live)}`;
  admin = request.agent(origin).set('Authorization', `Bearer ${await mintAdminToken(server.app)}`);
  narrow = request.agent(origin).set('Authorization', `Bearer ${await mintToken(server.app, 'patient/*.rs', { patient: 'fuzz-patient' })}`);
  const created = await admin.post('/fhir/Patient').set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Patient', identifier: [{ system: 'http://fuzz', value: 'p1' }], name: [{ family: 'Fuzz' }] });
  patientId = created.body.id;
});
afterAll(async () => {
  live.closeAllConnections();
  await new Promise((resolve) => live.close(resolve));
  await server.close();
});

// ---- what hostile input looks like ----

const SPECIALS = [
  '', ' ', '\0', 'a\0b', '\ud800', 'x\udc00', '\ud83d\ude00', '%00', '%zz', '%', '%FF%FE', '%C0%AF', '%ED%A0%80', '%2500', '%252F', '%2F',
  '1e10', '99999999999', '2147483648', '-1', '0x10', '0b1', '1e999999', '1e-99999', 'NaN', 'Infinity', '-0', '.', '..', '../../etc/passwd',
  '0000-01-01', '9999-99-99T99:99', '2024-02-30', 'gt', 'eq1e10', 'ap0x1', 'sa-1e400', "' OR '1'='1", "'; DROP TABLE resource; --",
  '$', '$$$', '|', '||', '|||x', ',', ',,,', '\\', '\\,', 'http://x|y|z', ':missing', '*', '_history', '$everything', 'Patient/', 'Patient/x/_history/1e10',
  'urn:uuid:00000000-0000-0000-0000-000000000000', 'W/"1e10"', 'W/"-1"', '"', '{}', '[]', 'null', 'true',
  'x'.repeat(3000), 'é'.repeat(1500), '9'.repeat(400), `${'a,'.repeat(1200)}a`, `${'Patient.'.repeat(10)}name`,
];
const specials = fc.constantFrom(...SPECIALS);
const text = fc.oneof(
  { weight: 4, arbitrary: specials },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.tuple(specials, fc.string({ maxLength: 8 }), specials).map(([a, b, c]) => a + b + c) },
);

/** A URL component: percent-encoded text (lone surrogates have no encoding: a CESU sequence), or raw malformed escapes. */
const encode = (value: string): string => {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
};
const component = fc.oneof(text.map(encode), fc.constantFrom('%zz', '%', '%FF%FE', '%C0%AF', '%00', '%2F', '%2541', '..', '_history', 'Patient'));

const TYPES = ['Patient', 'Observation', 'Encounter', 'Claim', 'Appointment', 'QuestionnaireResponse', 'ServiceRequest', 'RiskAssessment', 'Group',
  'AuditEvent', 'Consent', 'ValueSet', 'CodeSystem', 'ConceptMap', 'SearchParameter', 'HealthcareService', 'Bundle', 'Binary'];
loadFhirDefinitions(); // the search-parameter registry, for generating names
const PARAM_NAMES = [...new Set(TYPES.flatMap((t) => [...searchParamsFor(t).keys()]))];
const RESULT_PARAMS = ['_count', '_sort', '_include', '_revinclude', '_include:iterate', '_summary', '_elements', '_total', '_cursor', '_since', '_at',
  '_type', '_format', '_pretty', '_list', '_has:Observation:patient:code', '_has:Observation:subject:_has:Provenance:target:agent',
  'subject:Patient.name', 'subject:Patient.organization.partof.name', 'mode', 'profile', 'url', 'system', 'code', 'version', 'job', 'resourceType',
  'patient', 'start', 'end', 'coding', 'valueSet', 'conceptMap', 'targetsystem', 'count', 'offset', 'filter'];
const MODIFIERS = ['', ':missing', ':exact', ':contains', ':not', ':text', ':in', ':below', ':above', ':of-type', ':identifier', ':Patient', ':x'];
const PREFIXES = ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

const paramName = fc.oneof(
  fc.tuple(fc.constantFrom(...PARAM_NAMES), fc.constantFrom(...MODIFIERS)).map(([n, m]) => n + m),
  fc.constantFrom(...RESULT_PARAMS),
  text,
);
const paramValue = fc.oneof(fc.tuple(fc.constantFrom(...PREFIXES), text).map(([p, v]) => p + v), text);
const query = fc.array(fc.tuple(paramName, paramValue), { maxLength: 4 })
  .map((pairs) => pairs.map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&'));

/** Header values must be visible ASCII to be sent at all; what the server receives is still hostile. */
const headerValue = text.map((t) => t.replace(/[^\x20-\x7e]/g, (c) => encode(c)));
const headers = fc.record({
  'If-Match': headerValue, 'If-None-Match': headerValue, 'If-None-Exist': fc.oneof(query, headerValue), 'If-Modified-Since': headerValue,
  Prefer: fc.oneof(fc.constantFrom('return=minimal', 'return=OperationOutcome', 'handling=strict', 'respond-async'), headerValue),
  Accept: fc.oneof(fc.constantFrom('application/fhir+json', 'application/fhir+xml', '*/*', 'text/html'), headerValue),
}, { requiredKeys: [] });

// ---- bodies ----

const key = fc.oneof(fc.constantFrom('resourceType', 'id', 'meta', 'extension', 'url', 'value', 'valueString', 'name', 'identifier', 'code',
  'coding', 'system', 'subject', 'reference', 'entry', 'request', 'resource', 'parameter', 'part', 'text', 'div', 'status', 'contained'), text);
const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null),
    fc.array(tie('json'), { maxLength: 3 }), fc.dictionary(key, tie('json'), { maxKeys: 4 })),
}));
const resourceType = fc.oneof(fc.constantFrom(...TYPES, 'Parameters', 'OperationOutcome', 'DomainResource'), text);
const resource = fc.tuple(resourceType, fc.dictionary(key, json, { maxKeys: 5 })).map(([type, rest]) => ({ ...rest, resourceType: type }));
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const entryUrl = fc.tuple(fc.array(component, { minLength: 1, maxLength: 3 }), query).map(([segments, q]) => `${segments.join('/')}${q ? `?${q}` : ''}`);
const entry = fc.oneof(
  { weight: 1, arbitrary: json },
  {
    weight: 4,
    arbitrary: fc.record({
      fullUrl: fc.oneof(text, fc.constant('urn:uuid:3f0c1a7e-1111-4e55-9a44-2a4a2c3b1d01')),
      request: fc.oneof(json, fc.record({
        method: fc.oneof(fc.constantFrom(...METHODS), text), url: fc.oneof(entryUrl, text), ifNoneExist: fc.oneof(query, json),
        ifMatch: text,
      }, { requiredKeys: ['method', 'url'] })),
      resource: fc.oneof(resource, json),
    }, { requiredKeys: ['request'] }),
  },
);
const bundle = fc.record({
  resourceType: fc.constant('Bundle'),
  type: fc.oneof(fc.constantFrom('batch', 'transaction'), text),
  entry: fc.oneof({ weight: 4, arbitrary: fc.array(entry, { maxLength: 4 }) }, { weight: 1, arbitrary: json }),
});
const OPERATION_PARAMS = [...new Set(listOperations().flatMap((o) => (o.definition.parameter ?? []).map((p) => p.name!)))];
const parameter = fc.oneof(
  json,
  fc.record({
    name: fc.oneof(fc.constantFrom(...OPERATION_PARAMS), text),
    valueString: text, valueCode: text, valueInteger: fc.oneof(fc.integer(), json), valueBoolean: json, valueCoding: json,
    valueCodeableConcept: json, valueReference: json, valueDate: text, valueInstant: text, resource: fc.oneof(resource, json),
    part: fc.array(fc.record({ name: fc.oneof(fc.constantFrom(...OPERATION_PARAMS), text), valueString: text, valueReference: json }, { requiredKeys: ['name'] }), { maxLength: 2 }),
  }, { requiredKeys: ['name'] }),
);
const parameters = fc.record({ resourceType: fc.constant('Parameters'), parameter: fc.oneof(fc.array(parameter, { maxLength: 4 }), json) });
/** A body as sent: JSON of some shape, raw text, or structure deep enough to overflow a recursive walker. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(resource, bundle, parameters, json).map((value) => ({ type: 'application/fhir+json', text: JSON.stringify(value) })) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((n) => ({ type: 'application/fhir+json', text: `{"resourceType":"Patient","extension":${'[{"url":"x","extension":'.repeat(n)}[]${'}]'.repeat(n)}}` })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('application/fhir+json', 'application/json-patch+json', 'application/x-www-form-urlencoded', 'text/plain', 'application/fhir+xml'), text)
    .map(([type, t]) => ({ type, text: t })) },
);

// ---- sending, and what every answer must be ----

const LEAK = /\n\s+at |\.ts:\d+:\d+|node_modules|invalid byte sequence|duplicate key value|violates .* constraint|syntax error at or near|relation "[a-z_]+"|out of range for type|invalid input syntax for type|Maximum call stack/;

type Kind = 'fhir' | 'oauth' | 'page';
interface Sent { method: string; url: string; headers?: Record<string, string>; body?: { type: string; text: string }; agent: 'admin' | 'narrow' | 'none' }

async function send(sent: Sent, kind: Kind): Promise<void> {
  const agent = sent.agent === 'admin' ? admin : sent.agent === 'narrow' ? narrow : request(origin);
  let pending = (agent as unknown as Record<string, (url: string) => request.Test>)[sent.method.toLowerCase()](sent.url);
  for (const [name, value] of Object.entries(sent.headers ?? {})) pending = pending.set(name, value);
  if (sent.body && sent.method !== 'GET' && sent.method !== 'HEAD') pending = pending.set('Content-Type', sent.body.type).send(sent.body.text);
  let res: request.Response;
  try {
    res = await pending.timeout(60_000);
  } catch (err) {
    // The client itself refused to send it (an unescaped character in the path, an invalid header): nothing to judge.
    if (/ERR_UNESCAPED_CHARACTERS|ERR_INVALID_CHAR|Invalid character|Request path contains/.test(String((err as Error).message) + String((err as { code?: string }).code))) return;
    throw err;
  }
  const problem = judge(res, kind, sent.method);
  if (problem) throw new Error(`${problem}: ${sent.method} ${sent.url.slice(0, 300)} (${sent.agent}) → ${res.status} ${res.text.slice(0, 500)}`);
}

function judge(res: request.Response, kind: Kind, method: string): string | undefined {
  if (res.status >= 500) return 'a 5xx';
  if (LEAK.test(res.text)) return 'internals in the answer';
  if (res.status < 400 || method === 'HEAD' || kind === 'page') return undefined;
  const outcome = res.body?.resourceType === 'OperationOutcome' && Array.isArray(res.body.issue);
  if (kind === 'oauth') return outcome || typeof res.body?.error === 'string' ? undefined : 'not an OAuth error';
  return outcome ? undefined : 'not an OperationOutcome';
}

const agentOf = fc.constantFrom<Sent['agent']>('admin', 'admin', 'narrow', 'none');

// ---- the properties ----

describe('the FHIR route table', () => {
  const routes = listRoutes();
  const routeRequest = fc.record({
    index: fc.nat({ max: routes.length - 1 }),
    otherMethod: fc.option(fc.constantFrom(...METHODS), { freq: 4 }),
    type: fc.oneof(fc.constantFrom(...TYPES), component),
    id: fc.oneof(fc.constant('PATIENT'), component),
    vid: fc.oneof(fc.constantFrom('1', '1e10', '99999999999', '0'), component),
    query, headers, body, agent: agentOf,
  });

  test.prop([routeRequest], PARAMS)('every route, with hostile path, query, headers and body', async (r) => {
    const route = routes[r.index];
    const segments = route.pattern.map((p) => (p === ':type' ? r.type : p === ':id' ? (r.id === 'PATIENT' ? patientId : r.id) : p === ':vid' ? r.vid : p));
    await send({ method: r.otherMethod ?? route.method, url: `/fhir/${segments.join('/')}${r.query ? `?${r.query}` : ''}`, headers: r.headers, body: r.body, agent: r.agent }, 'fhir');
  });

  test.prop([fc.constantFrom(...TYPES), fc.array(fc.tuple(paramName, paramValue), { minLength: 1, maxLength: 5 }), agentOf, fc.boolean()], PARAMS)(
    'search on every type with hostile parameters, by GET and by form POST',
    async (type, pairs, agent, byForm) => {
      const q = pairs.map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&');
      await send(byForm
        ? { method: 'POST', url: `/fhir/${type}/_search`, body: { type: 'application/x-www-form-urlencoded', text: q }, agent }
        : { method: 'GET', url: `/fhir/${type}?${q}`, agent }, 'fhir');
    },
  );

  test.prop([bundle, agentOf, fc.option(headerValue)], PARAMS)('batch and transaction Bundles of any shape', async (b, agent, prefer) => {
    await send({ method: 'POST', url: '/fhir', body: { type: 'application/fhir+json', text: JSON.stringify(b) }, agent, headers: prefer ? { Prefer: prefer } : {} }, 'fhir');
  });

  const operationRoutes = routes.filter((r) => r.interaction === 'operation');
  test.prop([fc.nat({ max: operationRoutes.length - 1 }), fc.constantFrom(...TYPES), parameters, query, agentOf], PARAMS)(
    "every operation's Parameters and query",
    async (index, type, params, q, agent) => {
      const route = operationRoutes[index];
      const segments = route.pattern.map((p) => (p === ':type' ? type : p === ':id' ? patientId : p));
      await send({ method: route.method, url: `/fhir/${segments.join('/')}${q ? `?${q}` : ''}`, body: { type: 'application/fhir+json', text: JSON.stringify(params) }, agent }, 'fhir');
    },
  );

  test.prop([fc.constantFrom('GET', 'DELETE'), component, fc.option(component), agentOf], PARAMS)('bulk-export status and file URLs', async (method, id, file, agent) => {
    await send({ method, url: `/fhir/bulk-export/${id}${file ? `/${file}` : ''}`, agent }, 'fhir');
  });
});

describe('the authorization server and the admin API', () => {
  const FORM_NAMES = ['grant_type', 'client_id', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'client_assertion_type',
    'client_assertion', 'client_secret', 'token', 'token_type_hint', 'username', 'password', 'request', 'decision', 'patient', 'state', 'aud',
    'response_type', 'code_challenge', 'code_challenge_method', 'launch'];
  const form = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FORM_NAMES), text), fc.oneof(
    fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'test-app', 'test-admin', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'a.b.c'),
    text,
  )), { maxLength: 6 }).map((pairs) => pairs.map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&'));
  const basic = fc.option(fc.tuple(text, text).map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`));
  const bearer = fc.option(fc.oneof(headerValue.map((t) => `Bearer ${t}`), headerValue));

  test.prop([fc.constantFrom('/auth/token', '/auth/introspect', '/auth/revoke'), form, basic, bearer], PARAMS)(
    'token, introspection and revocation with hostile forms and credentials',
    async (path, f, basicAuth, bearerAuth) => {
      const authorization = basicAuth ?? bearerAuth ?? undefined;
      await send({ method: 'POST', url: path, body: { type: 'application/x-www-form-urlencoded', text: f }, headers: authorization ? { Authorization: authorization } : {}, agent: 'none' }, 'oauth');
    },
  );

  test.prop([fc.constantFrom('GET /auth/authorize', 'POST /auth/authorize', 'POST /auth/login', 'GET /auth/pick-patient', 'POST /auth/pick-patient', 'POST /auth/consent'), form], PARAMS)(
    'the browser flow pages with hostile parameters',
    async (route, f) => {
      const [method, path] = route.split(' ');
      await send(method === 'GET' ? { method, url: `${path}?${f}`, agent: 'none' } : { method, url: path, body: { type: 'application/x-www-form-urlencoded', text: f }, agent: 'none' }, 'page');
    },
  );

  test.prop([fc.constantFrom('GET /admin/clients/', 'DELETE /admin/clients/', 'POST /admin/clients', 'POST /admin/users', 'POST /auth/launch', 'GET /admin/users'),
    component, fc.oneof(json, fc.dictionary(fc.constantFrom('client_id', 'type', 'scope', 'redirect_uris', 'jwks', 'username', 'password', 'fhir_user', 'admin', 'patient', 'encounter', 'fhirContext'), json)),
    agentOf], PARAMS)(
    'the admin API and the launch endpoint with hostile ids and JSON',
    async (route, id, value, agent) => {
      const [method, path] = route.split(' ');
      await send({ method, url: path.endsWith('/') ? `${path}${id}` : path, body: { type: 'application/json', text: JSON.stringify(value) }, agent }, 'fhir');
    },
  );
});
