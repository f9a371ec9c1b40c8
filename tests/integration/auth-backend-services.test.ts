/**
 * SMART Backend Services: CONFORMANCE.md A.11 / B.1.5 / D.7, and every way a client assertion must be refused
 * (bad signature, wrong key, wrong aud, expired, exp too far, replayed jti, unknown kid, iss≠sub, alg none).
 */
import jwt from 'jsonwebtoken';
import { registerClient } from '../../server/src/auth/clients';
import { setJwksFetcher } from '../../server/src/auth/client-jwks';
import { authServerOf } from '../support/auth-tokens';
import { jwksOf, makeKey, signAssertion, TestKey, unsignedJwt } from '../support/auth-keys';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

let server: TestServer;
const TOKEN = `${TEST_BASE_URL}/auth/token`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const es384 = makeKey('ES384');
const rs384 = makeKey('RS384');
const unregistered = makeKey('ES384', es384.kid); // same kid, different key
const urlKey = makeKey('RS384');

beforeAll(async () => {
  server = await startTestServer();
  const auth = authServerOf(server.app);
  await auth.ready();
  await registerClient(auth.pool, { clientId: 'payer', type: 'backend', scope: 'system/*.rs system/Patient.cruds', jwks: jwksOf(es384, rs384) });
  await registerClient(auth.pool, { clientId: 'hie', type: 'backend', scope: 'system/*.read', jwksUri: 'https://hie.example/jwks.json' });
  setJwksFetcher(async (url) => {
    if (url === 'https://hie.example/jwks.json') return jwksOf(urlKey);
    throw new Error('not found');
  });
});
afterAll(async () => {
  setJwksFetcher(undefined);
  await server.close();
});

function tokenRequest(fields: Record<string, string>) {
  return server.http.post('/auth/token').type('form').set('Accept', 'application/json').send(fields);
}

function backendRequest(key: TestKey, overrides: Parameters<typeof signAssertion>[3] = {}, fields: Record<string, string> = {}, clientId = 'payer') {
  return tokenRequest({
    scope: 'system/*.rs', grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE,
    client_assertion: signAssertion(key, clientId, TOKEN, overrides), ...fields,
  });
}

describe('A.11 backend services authorization', () => {
  test('A.11.1: an unknown grant_type is 400', async () => {
    const res = await backendRequest(es384, {}, { grant_type: 'not_a_grant_type' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  test('A.11.2–3: an unknown client_assertion_type is 400 or 401', async () => {
    const res = await backendRequest(es384, {}, { client_assertion_type: 'not_an_assertion_type' });
    expect([400, 401]).toContain(res.status);
    expect(res.body.error).toBe('invalid_client');
  });

  test('A.11.4–5 / D.7 (ES384): 200 with access_token, bearer token_type, numeric expires_in ≤ 300, scope; no-store', async () => {
    const res = await backendRequest(es384);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
    expect(res.body.token_type.toLowerCase()).toBe('bearer');
    expect(typeof res.body.expires_in).toBe('number');
    expect(res.body.expires_in).toBeLessThanOrEqual(300);
    expect(res.body.scope).toBe('system/*.rs');
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.headers['cache-control']).toMatch(/no-store/);
    expect(res.headers.pragma).toMatch(/no-cache/);
  });

  test('B.1.5 / D.7: RS384 with the default bulk scope system/*.read', async () => {
    const res = await backendRequest(rs384, {}, { scope: 'system/*.read' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('system/*.read');
  });

  test('a JWKS registered by URL is fetched and used', async () => {
    const res = await backendRequest(urlKey, {}, { scope: 'system/*.read' }, 'hie');
    expect(res.status).toBe(200);
  });

  test('the token works against the FHIR API, and the requested scope is the limit', async () => {
    const { body } = await backendRequest(es384);
    const read = await server.http.get('/fhir/Patient').set('Authorization', `Bearer ${body.access_token}`);
    expect(read.status).toBe(200);
    const write = await server.http.post('/fhir/Patient').set('Authorization', `Bearer ${body.access_token}`)
      .set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient' });
    expect(write.status).toBe(403);
    expect(write.body.resourceType).toBe('OperationOutcome');
  });

  test('scopes the client is not allowed are not granted; none allowed is invalid_scope', async () => {
    const partial = await backendRequest(es384, {}, { scope: 'system/*.rs system/Observation.c' });
    expect(partial.status).toBe(200);
    expect(partial.body.scope).toBe('system/*.rs');
    const none = await backendRequest(es384, {}, { scope: 'system/Observation.c patient/*.rs' });
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('invalid_scope');
  });
});

describe('client assertions that must be refused (invalid_client, 401)', () => {
  const refused = async (res: { status: number; body: { error?: string } }) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  };

  test('signed by a key that is not registered (same kid)', async () => refused(await backendRequest(unregistered)));
  test('aud is not the token endpoint', async () => refused(await backendRequest(es384, { aud: `${TEST_BASE_URL}/fhir` })));
  test('expired', async () => refused(await backendRequest(es384, { expiresIn: -60 })));
  test('exp more than 5 minutes ahead', async () => refused(await backendRequest(es384, { expiresIn: 3600 })));
  test('unknown kid', async () => refused(await backendRequest(es384, { kid: 'no-such-kid' })));
  test('no kid', async () => refused(await backendRequest(es384, { omitKid: true })));
  test('no jti', async () => refused(await backendRequest(es384, { omitJti: true })));
  test('iss differs from sub', async () => refused(await backendRequest(es384, { sub: 'someone-else' })));
  test('an unknown client', async () => refused(await backendRequest(es384, {}, {}, 'nobody')));
  test('alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = unsignedJwt({ iss: 'payer', sub: 'payer', aud: TOKEN, exp: now + 60, jti: 'x'.repeat(64) }, { kid: es384.kid });
    await refused(await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope: 'system/*.rs' }));
  });
  test('HS256 with the public key as secret (algorithm confusion)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = jwt.sign({ iss: 'payer', sub: 'payer', aud: TOKEN, exp: now + 60, jti: 'y'.repeat(64) }, JSON.stringify(es384.publicJwk), { algorithm: 'HS256', keyid: es384.kid });
    await refused(await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope: 'system/*.rs' }));
  });
  test('a replayed jti', async () => {
    const jti = 'replay-'.padEnd(64, 'z');
    expect((await backendRequest(es384, { jti })).status).toBe(200);
    await refused(await backendRequest(es384, { jti }));
  });
  test('not a JWT at all', async () => {
    await refused(await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: 'garbage', scope: 'system/*.rs' }));
  });
});

test('a token request that is not a form is invalid_request', async () => {
  const res = await server.http.post('/auth/token').send({ grant_type: 'client_credentials' });
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_request');
});
