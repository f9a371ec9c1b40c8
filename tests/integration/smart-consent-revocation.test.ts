/**
 * Remembered consent ends with the tokens it led to (issue 16): an EHR launch of one of our own apps skips the consent
 * page once the user approved it, until the user's tokens for that app are revoked (POST /auth/revoke, refresh or
 * access token) or the app or the user is disabled by an administrator; then the next launch asks again. Everything
 * goes through our real authorize, login, consent, token, revoke and admin endpoints.
 */
import { registerBuiltinClients } from '../../server/src/auth/builtin-clients';
import { exchangeCode, runBrowserFlow } from '../support/auth-browser';
import { Clinic, createClinic, PASSWORD } from '../support/auth-fixtures';
import { authServerOf, mintToken } from '../support/auth-tokens';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';
import { createUser } from '../../server/src/auth/users';

let server: TestServer;
let clinic: Clinic;
beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
});
afterAll(() => server.close());

const SCOPE = 'launch openid fhirUser offline_access user/*.rs';

/** A clinician login of their own, so what one test approves or revokes is not another's starting point. */
async function newClinicianLogin(): Promise<string> {
  const username = `clinician-${Math.random().toString(36).slice(2, 8)}`;
  await createUser(authServerOf(server.app).pool, { username, password: PASSWORD, fhirUser: `Practitioner/${clinic.practitioner}` });
  return username;
}

/** Our launcher opens `app` for the user, who signs in in a fresh browser; returns the pages they saw and their tokens. */
async function launchFromEhr(username: string, app: string) {
  const launcherToken = await mintToken(server.app, 'openid fhirUser user/*.rs', { username });
  const launched = await server.anonymous.post('/auth/launch').set('Authorization', `Bearer ${launcherToken}`).send({ client_id: app });
  expect(launched.status).toBe(201);
  const flow = { clientId: app, redirectUri: `${TEST_BASE_URL}/apps/${app}/index.html`, scope: SCOPE, username, password: PASSWORD, launch: launched.body.launch };
  const result = await runBrowserFlow(server.app, flow);
  expect(result.code).toBeDefined();
  const tokens = await exchangeCode(server.app, result, flow);
  expect(tokens.status).toBe(200);
  return { pagesSeen: result.pagesSeen, accessToken: tokens.body.access_token as string, refreshToken: tokens.body.refresh_token as string };
}

function revoke(app: string, token: string, hint?: string) {
  return server.anonymous.post('/auth/revoke').type('form').send({ client_id: app, token, ...(hint ? { token_type_hint: hint } : {}) });
}

describe('revoking takes back remembered consent', () => {
  test('revoking the refresh token (the whole grant): the next EHR launch of that app asks again', async () => {
    const user = await newClinicianLogin();
    expect((await launchFromEhr(user, 'group-documentation')).pagesSeen).toEqual(['login', 'consent']);
    const second = await launchFromEhr(user, 'group-documentation');
    expect(second.pagesSeen).toEqual(['login']);
    expect((await revoke('group-documentation', second.refreshToken, 'refresh_token')).status).toBe(200);
    expect((await launchFromEhr(user, 'group-documentation')).pagesSeen).toEqual(['login', 'consent']);
  });

  test('revoking an access token forgets only that user\'s consent for that app', async () => {
    const user = await newClinicianLogin();
    const colleague = await newClinicianLogin();
    for (const who of [user, colleague]) await launchFromEhr(who, 'outcomes-dashboard');
    await launchFromEhr(user, 'group-documentation');
    const { accessToken } = await launchFromEhr(user, 'outcomes-dashboard');
    expect((await revoke('outcomes-dashboard', accessToken)).status).toBe(200);
    expect((await server.anonymous.get('/fhir/Patient').set('Authorization', `Bearer ${accessToken}`)).status).toBe(401);

    expect((await launchFromEhr(user, 'outcomes-dashboard')).pagesSeen).toEqual(['login', 'consent']);
    expect((await launchFromEhr(user, 'group-documentation')).pagesSeen).toEqual(['login']);
    expect((await launchFromEhr(colleague, 'outcomes-dashboard')).pagesSeen).toEqual(['login']);
  });

  test('a token of another app, or an unknown token, leaves the consent remembered', async () => {
    const user = await newClinicianLogin();
    await launchFromEhr(user, 'group-documentation');
    const { refreshToken } = await launchFromEhr(user, 'group-documentation');
    // RFC 7009: a client may only revoke its own tokens, and an unknown token is still a 200.
    expect((await revoke('outcomes-dashboard', refreshToken)).status).toBe(200);
    expect((await revoke('group-documentation', 'not-a-token')).status).toBe(200);
    expect((await launchFromEhr(user, 'group-documentation')).pagesSeen).toEqual(['login']);
  });
});

describe('disabling takes back remembered consent', () => {
  test('an administrator disables a user: what they approved is gone', async () => {
    const user = await newClinicianLogin();
    await launchFromEhr(user, 'group-documentation');
    await launchFromEhr(user, 'outcomes-dashboard');
    const remembered = () => server.pool.query(
      'SELECT g.client_id FROM auth_consent_grant g JOIN auth_user u USING (user_id) WHERE u.username = $1 ORDER BY 1', [user],
    ).then((r) => r.rows.map((row) => row.client_id));
    expect(await remembered()).toEqual(['group-documentation', 'outcomes-dashboard']);
    expect((await server.http.delete(`/admin/users/${user}`)).status).toBe(204);
    expect(await remembered()).toEqual([]);
  });

  test('an administrator disables one of our apps: once it is registered again, every user is asked again', async () => {
    const user = await newClinicianLogin();
    await launchFromEhr(user, 'patient-portal');
    expect((await launchFromEhr(user, 'patient-portal')).pagesSeen).toEqual(['login']);
    expect((await server.http.delete('/admin/clients/patient-portal')).status).toBe(204);
    const auth = authServerOf(server.app);
    await registerBuiltinClients(auth.pool, auth.settings); // what the next start of the server does
    expect((await launchFromEhr(user, 'patient-portal')).pagesSeen).toEqual(['login', 'consent']);
  });
});
