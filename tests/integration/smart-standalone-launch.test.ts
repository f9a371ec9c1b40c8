/**
 * Standalone launch through our own pages (CONFORMANCE.md A.2–A.5, A.7, A.8, A.10, D.2–D.6): login, patient
 * picker, consent that can untick scopes, PKCE S256 required, state echoed, aud and redirect_uri checked,
 * single-use codes, refresh rotation and subset scopes, introspection and revocation.
 */
import { createHash, createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { exchangeCode, runBrowserFlow, BrowserFlow, FlowResult } from '../support/auth-browser';
import { checkLogin, createUser } from '../../server/src/auth/users';
import { APP_REDIRECT, Clinic, createClinic, PASSWORD } from '../support/auth-fixtures';
import { authServerOf, TEST_APP_CLIENT } from '../support/auth-tokens';
import { FHIR_BASE, startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Clinic;
beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
});
afterAll(() => server.close());

const G10_SCOPES = 'launch/patient openid fhirUser offline_access patient/Medication.rs patient/AllergyIntolerance.rs patient/CarePlan.rs '
  + 'patient/Condition.rs patient/Encounter.rs patient/Observation.rs patient/Patient.rs patient/Practitioner.rs patient/Organization.rs';

function patientFlow(overrides: Partial<BrowserFlow> = {}): BrowserFlow {
  return { clientId: clinic.clients.public, redirectUri: APP_REDIRECT, scope: G10_SCOPES, username: clinic.users.patientA, password: PASSWORD, ...overrides };
}

async function launchAndExchange(overrides: Partial<BrowserFlow> = {}) {
  const flow = patientFlow(overrides);
  const result = await runBrowserFlow(server.app, flow);
  expect(result.code).toBeDefined();
  const token = await exchangeCode(server.app, result, flow);
  return { flow, result, token };
}

describe('A.2–A.5 standalone launch by a patient', () => {
  let flow: BrowserFlow;
  let result: FlowResult;
  let token: request.Response;
  beforeAll(async () => {
    ({ flow, result, token } = await launchAndExchange({ state: 'state-123', nonce: 'n-1' }));
  });

  test('A.2.3–4: redirected to redirect_uri with a code and the same state; login then consent, no picker for a patient', () => {
    expect(`${result.redirect!.origin}${result.redirect!.pathname}`).toBe(APP_REDIRECT);
    expect(result.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.state).toBe('state-123');
    expect(result.pagesSeen).toEqual(['login', 'consent']);
  });

  test('A.3.2 / A.4.1–3: 200, access_token, Bearer, numeric expires_in, scope, patient', () => {
    expect(token.status).toBe(200);
    const body = token.body;
    for (const key of ['access_token', 'token_type', 'scope', 'refresh_token', 'id_token']) expect(typeof body[key]).toBe('string');
    expect(typeof body.expires_in).toBe('number');
    expect(body.token_type).toBe('Bearer');
    expect(body.patient).toBe(clinic.patientA);
    expect(body.need_patient_banner).toBe(true);
    expect(body.smart_style_url).toBe(`${TEST_BASE_URL}/auth/smart-style.json`);
  });

  test('A.4.4: every requested scope is granted', () => {
    expect(token.body.scope.split(' ').sort()).toEqual(G10_SCOPES.split(' ').sort());
  });

  test('A.5: Cache-Control no-store and Pragma no-cache', () => {
    expect(token.headers['cache-control']).toMatch(/no-store/);
    expect(token.headers.pragma).toMatch(/no-cache/);
  });

  test('A.7.1, A.7.5–6: the id_token is RS256, signed by a JWKS key, for this client, with nonce', async () => {
    const decoded = jwt.decode(token.body.id_token, { complete: true })!;
    expect(decoded.header.alg).toBe('RS256');
    const jwks = (await server.http.get('/auth/jwks')).body.keys;
    const key = jwks.find((k: { kid: string }) => k.kid === decoded.header.kid);
    expect(key).toBeDefined();
    const claims = jwt.verify(token.body.id_token, createPublicKey({ key, format: 'jwk' }), { algorithms: ['RS256'], audience: flow.clientId, issuer: TEST_BASE_URL }) as jwt.JwtPayload;
    for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat']) expect(claims[claim]).toBeDefined();
    expect(claims.nonce).toBe('n-1');
    expect(claims.fhirUser).toBe(`${FHIR_BASE}/Patient/${clinic.patientA}`);
  });

  test('A.7.7 / A.9.4 / D.5.1: the fhirUser and context patient can be read with the token, with CORS', async () => {
    const res = await request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${token.body.access_token}`).set('Origin', 'https://app.example');
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Patient');
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  test('D.5.3: the same read without a token is 401 with WWW-Authenticate, as an OperationOutcome', async () => {
    const res = await server.anonymous.get(`/fhir/Patient/${clinic.patientA}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  test('A.10: introspection of the active token matches the token response; a bogus token is inactive', async () => {
    const res = await request(server.app).post('/auth/introspect').type('form').set('Accept', 'application/json').send({ token: token.body.access_token });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(true);
    expect(res.body.client_id).toBe(flow.clientId);
    expect(res.body.scope.split(' ').sort()).toEqual(token.body.scope.split(' ').sort());
    expect(res.body.exp).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(res.body.patient).toBe(clinic.patientA);
    const idToken = jwt.decode(token.body.id_token) as jwt.JwtPayload;
    expect(res.body.iss).toBe(idToken.iss);
    expect(res.body.sub).toBe(idToken.sub);
    const inactive = await request(server.app).post('/auth/introspect').type('form').send({ token: 'invalid_token_value' });
    expect(inactive.status).toBe(200);
    expect(inactive.body).toEqual({ active: false });
  });
});

describe('A.2.2 authorize by form POST (authorize-post)', () => {
  test('a POSTed authorize request gets a code too', async () => {
    const { token } = await launchAndExchange({ post: true });
    expect(token.status).toBe(200);
  });
});

describe('A.6 / D.5.2 patient picker for a practitioner (launch/patient)', () => {
  test('the picker offers only the practitioner\'s patients; the chosen one is in the token', async () => {
    const flow = patientFlow({ username: clinic.users.clinician, scope: 'launch/patient openid fhirUser patient/*.rs' });
    const result = await runBrowserFlow(server.app, flow);
    expect(result.pagesSeen).toEqual(['login', 'pick-patient', 'consent']);
    const token = await exchangeCode(server.app, result, flow);
    expect(token.body.patient).toBe(clinic.patientA);
  });

  test('choosing a patient outside the practitioner\'s organisations is refused', async () => {
    const result = await runBrowserFlow(server.app, patientFlow({ username: clinic.users.clinician, scope: 'launch/patient patient/*.rs', patient: clinic.patientB }));
    expect(result.code).toBeUndefined();
    expect(result.page?.html).toMatch(/may not open this patient/);
  });
});

describe('D.5.6 consent: the user unticks scopes', () => {
  test('the returned scope grants exactly what was kept, and denied types answer 403', async () => {
    const { token } = await launchAndExchange({ untick: ['patient/Condition.rs', 'patient/Encounter.rs'] });
    expect(token.body.scope).not.toMatch(/Condition|Encounter/);
    expect(token.body.scope).toMatch(/patient\/Observation\.rs/);
    const denied = await request(server.app).get(`/fhir/Encounter?patient=${clinic.patientA}`).set('Authorization', `Bearer ${token.body.access_token}`);
    expect(denied.status).toBe(403);
    expect(denied.body.resourceType).toBe('OperationOutcome');
    expect(denied.headers['www-authenticate']).toMatch(/insufficient_scope/);
    const allowed = await request(server.app).get(`/fhir/Observation?patient=${clinic.patientA}`).set('Authorization', `Bearer ${token.body.access_token}`);
    expect(allowed.status).toBe(200);
  });

  test('denying at the consent screen sends access_denied with the state', async () => {
    const result = await runBrowserFlow(server.app, patientFlow({ deny: true, state: 's-deny' }));
    expect(result.error).toBe('access_denied');
    expect(result.state).toBe('s-deny');
    expect(result.code).toBeUndefined();
  });

  test('D.5.8: the user may narrow Observation to granular categories; searches then return only those', async () => {
    const survey = 'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|survey';
    const { token } = await launchAndExchange({ select: ['launch/patient', 'patient/Patient.rs', survey] });
    expect(token.body.scope.split(' ')).toEqual(['launch/patient', 'patient/Patient.rs', survey]);
    const res = await request(server.app).get(`/fhir/Observation?patient=${clinic.patientA}`).set('Authorization', `Bearer ${token.body.access_token}`);
    expect(res.status).toBe(200);
    const ids = (res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
    expect(ids).toEqual([clinic.surveyA]);
  });

  test('the user cannot add scopes the app did not ask for', async () => {
    const { token } = await launchAndExchange({ select: ['launch/patient', 'patient/Patient.rs', 'patient/Observation.cruds', 'user/*.cruds'] });
    expect(token.body.scope.split(' ')).toEqual(['launch/patient', 'patient/Patient.rs']);
  });
});

describe('authorization request checks', () => {
  test('D.4: a wrong aud never yields a code', async () => {
    const result = await runBrowserFlow(server.app, patientFlow({ aud: 'https://inferno.healthit.gov/invalid_aud' }));
    expect(result.code).toBeUndefined();
    expect(result.error).toBe('invalid_request');
  });

  test('PKCE is required: no challenge, or the plain method, is refused before login', async () => {
    const none = await runBrowserFlow(server.app, patientFlow({ codeChallenge: null }));
    expect(none.error).toBe('invalid_request');
    const plain = await runBrowserFlow(server.app, patientFlow({ codeChallengeMethod: 'plain', codeChallenge: 'a'.repeat(43) }));
    expect(plain.error).toBe('invalid_request');
    expect(plain.pagesSeen).toEqual([]);
  });

  test('redirect_uri must match exactly: a near miss is an error page, never a redirect', async () => {
    for (const redirectUri of [`${APP_REDIRECT}/`, `${APP_REDIRECT}?x=1`, 'http://evil.test/callback', APP_REDIRECT.toUpperCase()]) {
      const result = await runBrowserFlow(server.app, patientFlow({ redirectUri }));
      expect(result.redirect).toBeUndefined();
      expect(result.page?.status).toBe(400);
    }
  });

  test('an unknown client is an error page', async () => {
    const result = await runBrowserFlow(server.app, patientFlow({ clientId: 'nobody' }));
    expect(result.page?.status).toBe(400);
  });

  test('login: a wrong password shows the login page again; five failures from one address block that address for that username only', async () => {
    const auth = authServerOf(server.app);
    const victim = await createUser(auth.pool, { username: `victim-${Date.now()}`, password: PASSWORD, fhirUser: `Patient/${clinic.patientA}` });
    for (let i = 0; i < 5; i++) {
      const wrong = await runBrowserFlow(server.app, patientFlow({ username: victim.username, password: 'wrong password' }));
      expect(wrong.page?.status).toBe(401);
      expect(wrong.page?.html).toMatch(/Wrong username or password/);
    }
    // This address may not try this username for a while, even with the right password …
    const blocked = await runBrowserFlow(server.app, patientFlow({ username: victim.username, password: PASSWORD }));
    expect(blocked.page?.status).toBe(429);
    expect(blocked.page?.html).toMatch(/Too many failed sign-in attempts/);
    expect(blocked.page?.html).not.toMatch(/account|locked/i);
    // … but the real user, from their own device, is not locked out,
    expect((await checkLogin(auth.pool, victim.username, PASSWORD, 5, 900, '198.51.100.7')).ok).toBe(true);
    // and a username that does not exist is answered exactly the same way, so the answers reveal nothing.
    const ghost = `ghost-${Date.now()}`;
    for (let i = 0; i < 5; i++) expect((await runBrowserFlow(server.app, patientFlow({ username: ghost, password: 'wrong password' }))).page?.status).toBe(401);
    expect((await runBrowserFlow(server.app, patientFlow({ username: ghost, password: 'wrong password' }))).page?.status).toBe(429);
    const { rows } = await auth.pool.query('SELECT password_hash, locked_until FROM auth_user WHERE user_id = $1', [victim.userId]);
    expect(rows[0].password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0].locked_until).toBeNull();
  });

  test('a second app in the same browser skips the password (session), but still asks for consent', async () => {
    const first = await runBrowserFlow(server.app, patientFlow());
    const second = await runBrowserFlow(server.app, patientFlow({ agent: first.agent, username: '', password: '' }));
    expect(second.pagesSeen).toEqual(['consent']);
    expect(second.code).toBeDefined();
  });
});

describe('code exchange (D.2, D.3)', () => {
  test('codes live at most 60 seconds', async () => {
    const result = await runBrowserFlow(server.app, patientFlow());
    const { rows } = await server.pool.query(`SELECT extract(epoch FROM expires_at - created_at) AS seconds FROM auth_code ORDER BY created_at DESC LIMIT 1`);
    expect(Number(rows[0].seconds)).toBeLessThanOrEqual(60);
    expect(result.code).toBeDefined();
  });

  test('D.2.1: code=BAD_CODE is 400', async () => {
    const flow = patientFlow();
    const result = await runBrowserFlow(server.app, flow);
    const res = await exchangeCode(server.app, result, flow, { code: 'BAD_CODE' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('D.2.2: the real code with client_id BAD_CLIENT_ID is 400/401 (public in body, symmetric in Basic)', async () => {
    const flow = patientFlow();
    const result = await runBrowserFlow(server.app, flow);
    const res = await exchangeCode(server.app, result, flow, { client_id: 'BAD_CLIENT_ID' });
    expect([400, 401]).toContain(res.status);
    const basic = await request(server.app).post('/auth/token').type('form').auth('BAD_CLIENT_ID', 'whatever')
      .send({ grant_type: 'authorization_code', code: result.code, redirect_uri: APP_REDIRECT, code_verifier: result.codeVerifier });
    expect([400, 401]).toContain(basic.status);
    expect(basic.headers['www-authenticate']).toMatch(/^Basic/);
  });

  test.each([
    ['omitted', undefined],
    ['empty', ''],
    ['a different verifier', 'x'.repeat(43)],
  ])('D.3: code_verifier %s is refused', async (_label, verifier) => {
    const flow = patientFlow();
    const result = await runBrowserFlow(server.app, flow);
    const res = await exchangeCode(server.app, result, flow, { code_verifier: verifier });
    expect([400, 401]).toContain(res.status);
  });

  test('D.3.4: the code_challenge itself as verifier is refused', async () => {
    const flow = patientFlow();
    const result = await runBrowserFlow(server.app, flow);
    const challenge = createHash('sha256').update(result.codeVerifier).digest('base64url');
    const res = await exchangeCode(server.app, result, flow, { code_verifier: challenge });
    expect([400, 401]).toContain(res.status);
  });

  test('a code is single use; reusing it also revokes the tokens it gave', async () => {
    const flow = patientFlow();
    const result = await runBrowserFlow(server.app, flow);
    const first = await exchangeCode(server.app, result, flow);
    expect(first.status).toBe(200);
    const again = await exchangeCode(server.app, result, flow);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    const read = await request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${first.body.access_token}`);
    expect(read.status).toBe(401);
  });

  test('redirect_uri at the token endpoint must be the one of the authorize request', async () => {
    const flow = patientFlow();
    const result = await runBrowserFlow(server.app, flow);
    const res = await exchangeCode(server.app, result, flow, { redirect_uri: 'http://app.test/other' });
    expect(res.status).toBe(400);
  });

  test('confidential-symmetric clients authenticate with Basic; without it they are refused', async () => {
    const flow = patientFlow({ clientId: clinic.clients.symmetric });
    const result = await runBrowserFlow(server.app, flow);
    const publicStyle = await exchangeCode(server.app, result, flow);
    expect(publicStyle.status).toBe(401);
    const result2 = await runBrowserFlow(server.app, flow);
    const res = await request(server.app).post('/auth/token').type('form').auth(clinic.clients.symmetric, clinic.clients.symmetricSecret)
      .send({ grant_type: 'authorization_code', code: result2.code, redirect_uri: APP_REDIRECT, code_verifier: result2.codeVerifier });
    expect(res.status).toBe(200);
    const wrongSecret = await request(server.app).post('/auth/token').type('form').auth(clinic.clients.symmetric, 'wrong')
      .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect(wrongSecret.status).toBe(401);
  });
});

describe('A.8 refresh tokens, D.5.4, D.6 revocation', () => {
  test('A.8.1–3: refresh without scope, then with a subset; the refresh token rotates and old ones are dead', async () => {
    const { token, flow } = await launchAndExchange();
    const refreshed = await request(server.app).post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token, client_id: flow.clientId });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers['cache-control']).toMatch(/no-store/);
    expect(refreshed.body.scope.split(' ').sort()).toEqual(token.body.scope.split(' ').sort());
    expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);
    const narrower = await request(server.app).post('/auth/token').type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: flow.clientId, scope: 'patient/Patient.rs patient/Observation.rs' });
    expect(narrower.status).toBe(200);
    expect(narrower.body.scope).toBe('patient/Patient.rs patient/Observation.rs');
    const wider = await request(server.app).post('/auth/token').type('form')
      .send({ grant_type: 'refresh_token', refresh_token: narrower.body.refresh_token, client_id: flow.clientId, scope: 'user/*.cruds' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
    // A refused refresh does not consume the token: the app can still refresh with what it is allowed.
    const after = await request(server.app).post('/auth/token').type('form')
      .send({ grant_type: 'refresh_token', refresh_token: narrower.body.refresh_token, client_id: flow.clientId });
    expect(after.status).toBe(200);
    expect(after.body.refresh_token).toEqual(expect.any(String));
  });

  test('replaying a used refresh token revokes the whole grant', async () => {
    const { token, flow } = await launchAndExchange();
    const refreshed = await request(server.app).post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token, client_id: flow.clientId });
    expect(refreshed.status).toBe(200);
    const replay = await request(server.app).post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token, client_id: flow.clientId });
    expect(replay.status).toBe(400);
    const read = await request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(read.status).toBe(401);
  });

  test('D.5.4: a random refresh token is 400/401', async () => {
    const res = await request(server.app).post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: '4c9a1a77-8c8c-4a9a-9f0a-2f1f3b0b1c11', client_id: clinic.clients.public });
    expect([400, 401]).toContain(res.status);
  });

  test('D.6: after revocation the access token reads nothing (401) and the refresh token is dead', async () => {
    const { token, flow } = await launchAndExchange();
    const revoke = await request(server.app).post('/auth/revoke').type('form').send({ token: token.body.refresh_token, client_id: flow.clientId });
    expect(revoke.status).toBe(200);
    const read = await request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${token.body.access_token}`);
    expect(read.status).toBe(401);
    const refresh = await request(server.app).post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token, client_id: flow.clientId });
    expect([400, 401]).toContain(refresh.status);
    const introspect = await request(server.app).post('/auth/introspect').type('form').send({ token: token.body.access_token });
    expect(introspect.body).toEqual({ active: false });
  });

  test('only the client a token was issued to can revoke it', async () => {
    const { token, flow } = await launchAndExchange();
    const read = () => request(server.app).get(`/fhir/Patient/${clinic.patientA}`).set('Authorization', `Bearer ${token.body.access_token}`);
    const foreign = await request(server.app).post('/auth/revoke').type('form').send({ token: token.body.access_token, client_id: TEST_APP_CLIENT });
    expect(foreign.status).toBe(200);
    expect((await read()).status).toBe(200);
    await request(server.app).post('/auth/revoke').type('form').send({ token: token.body.access_token, client_id: flow.clientId });
    expect((await read()).status).toBe(401);
  });
});
