/**
 * The other client types of the authorization code flow: confidential-asymmetric (private_key_jwt at the token
 * endpoint, A.3.1), CORS on a public client's token response (A.9.3), introspection by an authenticated client,
 * online_access, and the CapabilityStatement's rest.security.
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { registerClient } from '../../server/src/auth/clients';
import { exchangeCode, runBrowserFlow } from '../support/auth-browser';
import { APP_REDIRECT, Clinic, createClinic, PASSWORD } from '../support/auth-fixtures';
import { jwksOf, makeKey, signAssertion } from '../support/auth-keys';
import { authServerOf } from '../support/auth-tokens';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Clinic;
const key = makeKey('ES384');
const TOKEN = `${TEST_BASE_URL}/auth/token`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
  await registerClient(authServerOf(server.app).pool, {
    clientId: 'asymmetric-app', type: 'confidential-asymmetric', redirectUris: [APP_REDIRECT], jwks: jwksOf(key),
    scope: 'launch/patient openid fhirUser offline_access online_access patient/*.rs',
  });
});
afterAll(() => server.close());

const flowFor = (clientId: string, scope = 'launch/patient openid fhirUser offline_access patient/*.rs') =>
  ({ clientId, redirectUri: APP_REDIRECT, scope, username: clinic.users.patientA, password: PASSWORD });

test('A.3.1 confidential-asymmetric: the code is exchanged with a signed assertion, not a client_id alone', async () => {
  const flow = flowFor('asymmetric-app');
  const result = await runBrowserFlow(server.app, flow);
  const bare = await exchangeCode(server.app, result, flow);
  expect(bare.status).toBe(401);
  const again = await runBrowserFlow(server.app, flow);
  const res = await request(server.app).post('/auth/token').type('form').send({
    grant_type: 'authorization_code', code: again.code, redirect_uri: APP_REDIRECT, code_verifier: again.codeVerifier,
    client_assertion_type: ASSERTION_TYPE, client_assertion: signAssertion(key, 'asymmetric-app', TOKEN),
  });
  expect(res.status).toBe(200);
  expect(res.body.patient).toBe(clinic.patientA);
  const refreshed = await request(server.app).post('/auth/token').type('form').send({
    grant_type: 'refresh_token', refresh_token: res.body.refresh_token,
    client_assertion_type: ASSERTION_TYPE, client_assertion: signAssertion(key, 'asymmetric-app', TOKEN),
  });
  expect(refreshed.status).toBe(200);
});

test('a confidential-asymmetric app cannot use client_credentials (backend services only)', async () => {
  const res = await request(server.app).post('/auth/token').type('form').send({
    grant_type: 'client_credentials', scope: 'patient/*.rs', client_assertion_type: ASSERTION_TYPE, client_assertion: signAssertion(key, 'asymmetric-app', TOKEN),
  });
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('unauthorized_client');
});

test('A.9.3: a public client\'s token response carries Access-Control-Allow-Origin; preflight allowed', async () => {
  const flow = flowFor(clinic.clients.public);
  const result = await runBrowserFlow(server.app, flow);
  const origin = 'https://inferno.healthit.gov';
  const res = await request(server.app).post('/auth/token').type('form').set('Origin', origin).send({
    grant_type: 'authorization_code', code: result.code, redirect_uri: APP_REDIRECT, client_id: flow.clientId, code_verifier: result.codeVerifier,
  });
  expect(res.status).toBe(200);
  expect([origin, '*']).toContain(res.headers['access-control-allow-origin']);
  const preflight = await request(server.app).options('/auth/token').set('Origin', origin).set('Access-Control-Request-Method', 'POST');
  expect(preflight.status).toBe(204);
});

test('introspection by an authenticated client (Basic) and with a bearer token; a wrong secret is 401', async () => {
  const flow = flowFor(clinic.clients.public);
  const token = await exchangeCode(server.app, await runBrowserFlow(server.app, flow), flow);
  const basic = await request(server.app).post('/auth/introspect').type('form').auth(clinic.clients.symmetric, clinic.clients.symmetricSecret).send({ token: token.body.access_token });
  expect(basic.body.active).toBe(true);
  const bearer = await request(server.app).post('/auth/introspect').type('form').set('Authorization', `Bearer ${token.body.access_token}`).send({ token: token.body.access_token });
  expect(bearer.body.active).toBe(true);
  const wrong = await request(server.app).post('/auth/introspect').type('form').auth(clinic.clients.symmetric, 'wrong').send({ token: token.body.access_token });
  expect(wrong.status).toBe(401);
  const refresh = await request(server.app).post('/auth/introspect').type('form').send({ token: token.body.refresh_token, token_type_hint: 'refresh_token' });
  expect(refresh.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: flow.clientId });
});

test('online_access yields a shorter-lived refresh token than offline_access', async () => {
  const online = flowFor(clinic.clients.public, 'launch/patient online_access patient/*.rs');
  const onlineToken = await exchangeCode(server.app, await runBrowserFlow(server.app, online), online);
  const offline = flowFor(clinic.clients.public, 'launch/patient offline_access patient/*.rs');
  const offlineToken = await exchangeCode(server.app, await runBrowserFlow(server.app, offline), offline);
  const exp = async (token: string) => (await request(server.app).post('/auth/introspect').type('form').send({ token, token_type_hint: 'refresh_token' })).body.exp;
  expect(await exp(onlineToken.body.refresh_token)).toBeLessThan(await exp(offlineToken.body.refresh_token));
});

test('the CapabilityStatement declares SMART-on-FHIR with the OAuth endpoints', async () => {
  const res = await server.anonymous.get('/fhir/metadata');
  const security = res.body.rest[0].security;
  expect(security.service[0].coding[0].code).toBe('SMART-on-FHIR');
  const uris = Object.fromEntries(security.extension[0].extension.map((e: { url: string; valueUri: string }) => [e.url, e.valueUri]));
  expect(uris).toEqual({
    authorize: `${TEST_BASE_URL}/auth/authorize`, token: TOKEN, introspect: `${TEST_BASE_URL}/auth/introspect`, revoke: `${TEST_BASE_URL}/auth/revoke`,
  });
});

test('forged, expired, wrong-audience, wrong-key and alg-none access tokens are all 401 at the FHIR API', async () => {
  const good = (await (await server.as('patient/*.rs', { patient: clinic.patientA })).get(`/fhir/Patient/${clinic.patientA}`)).status;
  expect(good).toBe(200);
  const real = await mintRealToken();
  const claims = jwt.decode(real) as Record<string, unknown>;
  const header = jwt.decode(real, { complete: true })!.header;
  const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encode = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const forged = [
    jwt.sign({ ...claims, exp: now + 600 }, otherKey, { algorithm: 'RS256', keyid: header.kid }),
    `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims })}.`,
    `${real.split('.')[0]}.${encode({ ...claims, scope: 'patient/*.cruds', patient: clinic.patientB })}.${real.split('.')[2]}`,
    jwt.sign({ ...claims, aud: 'https://elsewhere.example/fhir', exp: now + 600 }, otherKey, { algorithm: 'RS256', keyid: header.kid }),
    'not-a-token',
  ];
  for (const token of forged) {
    const res = await request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    expect(res.body.resourceType).toBe('OperationOutcome');
  }
  await server.pool.query(`UPDATE auth_token SET expires_at = now() - interval '1 second' WHERE jti = $1`, [claims.jti]);
  expect((await request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${real}`)).status).toBe(401);
});

async function mintRealToken(): Promise<string> {
  const flow = flowFor(clinic.clients.public);
  const token = await exchangeCode(server.app, await runBrowserFlow(server.app, flow), flow);
  return token.body.access_token as string;
}
