/**
 * Clients and users: the admin API (administrators' tokens only) and `npm run admin` against the same database,
 * with DATABASE_URL, and with the embedded PostgreSQL of a running server found through its postmaster.pid.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { removeExpiredAuthState } from '../../server/src/auth/auth-housekeeping';
import { authServerOf } from '../support/auth-tokens';
import { jwksOf, makeKey, signAssertion } from '../support/auth-keys';
import { runBrowserFlow } from '../support/auth-browser';
import { createResource } from '../support/auth-fixtures';
import { withDatabase } from '../support/test-databases';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
let server: TestServer;
let databaseUrl: string;
let workDir: string;

beforeAll(async () => {
  server = await startTestServer();
  databaseUrl = (server.pool as unknown as { options: { connectionString: string } }).options.connectionString;
  workDir = mkdtempSync(path.join(tmpdir(), 'iop-admin-'));
  chmodSync(workDir, 0o755); // as root, the embedded PostgreSQL runs as 'postgres' and must reach its data directory
});
afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  await server.close();
});

function admin(args: string[], env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'server/src/admin/admin-cli.ts', ...args], {
    cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 120_000,
  });
}

describe('admin API', () => {
  test('no token is 401, a non-admin token 403, both as OperationOutcome', async () => {
    const none = await request(server.app).get('/admin/clients');
    expect(none.status).toBe(401);
    expect(none.body.resourceType).toBe('OperationOutcome');
    const patient = await server.as('patient/*.rs', { patient: 'x' });
    const refused = await patient.get('/admin/clients');
    expect(refused.status).toBe(403);
    expect(refused.body.resourceType).toBe('OperationOutcome');
  });

  test('registers a confidential client (secret shown once, stored hashed) and lists clients without secrets', async () => {
    const res = await server.http.post('/admin/clients').send({
      client_id: 'api-app', type: 'confidential-symmetric', redirect_uris: ['https://app.example/cb'], scope: 'openid fhirUser user/*.rs launch',
    });
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await server.pool.query('SELECT secret_hash FROM auth_client WHERE client_id = $1', ['api-app']);
    expect(rows[0].secret_hash).not.toContain(res.body.client_secret);
    const list = await server.http.get('/admin/clients');
    const listed = list.body.find((c: { client_id: string }) => c.client_id === 'api-app');
    expect(listed).toMatchObject({ type: 'confidential-symmetric', redirect_uris: ['https://app.example/cb'] });
    expect(JSON.stringify(list.body)).not.toMatch(/secret/);
    expect(list.body.map((c: { client_id: string }) => c.client_id)).toEqual(expect.arrayContaining(['group-documentation', 'patient-portal', 'outcomes-dashboard']));
  });

  test('invalid registrations are 400 with a reason', async () => {
    const cases = [
      { client_id: 'b1', type: 'backend', scope: 'system/*.rs' },
      { client_id: 'b2', type: 'backend', scope: 'user/*.rs', jwks: jwksOf(makeKey('ES384')) },
      { client_id: 'p1', type: 'public', scope: 'patient/*.rs' },
      { client_id: 'p2', type: 'public', scope: 'system/*.rs', redirect_uris: ['https://x.example/cb'] },
      { client_id: 'bad id!', type: 'public', scope: 'patient/*.rs', redirect_uris: ['https://x.example/cb'] },
      { client_id: 'api-app', type: 'public', scope: 'patient/*.rs', redirect_uris: ['https://x.example/cb'] },
    ];
    for (const body of cases) {
      const res = await server.http.post('/admin/clients').send(body);
      expect([body.client_id, res.status]).toEqual([body.client_id, 400]);
      expect(res.body.issue[0].diagnostics).toEqual(expect.any(String));
    }
  });

  test('creates users linked to their FHIR resource, who can then sign in; disabling a client stops its tokens', async () => {
    const practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Api' }] });
    const res = await server.http.post('/admin/users').send({ username: 'api-doc', password: 'a long password', fhir_user: `Practitioner/${practitioner}` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'api-doc', fhir_user: `Practitioner/${practitioner}` });
    expect(res.body.password).toBeUndefined();
    await server.http.post('/admin/clients').send({ client_id: 'api-public', type: 'public', redirect_uris: ['https://app.example/cb'], scope: 'openid fhirUser user/*.rs' });
    const flow = await runBrowserFlow(server.app, { clientId: 'api-public', redirectUri: 'https://app.example/cb', scope: 'openid fhirUser user/*.rs', username: 'api-doc', password: 'a long password' });
    expect(flow.code).toBeDefined();
    expect((await server.http.get('/admin/users')).body.map((u: { username: string }) => u.username)).toContain('api-doc');
    expect((await server.http.delete('/admin/clients/api-public')).status).toBe(204);
    const again = await runBrowserFlow(server.app, { clientId: 'api-public', redirectUri: 'https://app.example/cb', scope: 'openid', username: 'api-doc', password: 'a long password' });
    expect(again.page?.status).toBe(400);
  });

  test('the audit chain can be verified over the admin API', async () => {
    const res = await server.http.get('/admin/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
  });
});

describe('npm run admin (DATABASE_URL)', () => {
  test('add-client --type backend --jwks FILE, and the client then gets a token from the running server', async () => {
    const key = makeKey('RS384');
    const jwksFile = path.join(workDir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwksOf(key)));
    const { stdout } = await admin(['add-client', '--id', 'cli-backend', '--type', 'backend', '--jwks', jwksFile, '--scope', 'system/*.rs'], { DATABASE_URL: databaseUrl });
    expect(JSON.parse(stdout)).toMatchObject({ client_id: 'cli-backend', type: 'backend', scope: 'system/*.rs' });
    const token = await request(server.app).post('/auth/token').type('form').send({
      grant_type: 'client_credentials', scope: 'system/*.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: signAssertion(key, 'cli-backend', `${TEST_BASE_URL}/auth/token`),
    });
    expect(token.status).toBe(200);
  }, 120_000);

  test('add-client --type public --redirect-uri, add-user --fhir-user, list-clients; bad input exits non-zero', async () => {
    await admin(['add-client', '--id', 'cli-public', '--type', 'public', '--redirect-uri', 'https://cli.example/cb', '--scope', 'launch/patient patient/*.rs'], { DATABASE_URL: databaseUrl });
    const user = await admin(['add-user', '--username', 'cli-doc', '--password', 'a long password', '--fhir-user', 'Practitioner/p-cli'], { DATABASE_URL: databaseUrl });
    expect(JSON.parse(user.stdout)).toMatchObject({ username: 'cli-doc', fhir_user: 'Practitioner/p-cli' });
    const { stdout } = await admin(['list-clients'], { DATABASE_URL: databaseUrl });
    expect(stdout).toMatch(/^cli-public\tpublic\tlaunch\/patient patient\/\*\.rs$/m);
    expect(stdout).toMatch(/^cli-backend\tbackend/m);
    await expect(admin(['add-user', '--username', 'x', '--password', 'short', '--fhir-user', 'Practitioner/1'], { DATABASE_URL: databaseUrl })).rejects.toMatchObject({ code: 1 });
  }, 120_000);

  test('a CLI run with another BASE_URL never rewrites the built-in apps\' redirect URIs (only the serving process registers them)', async () => {
    const before = await server.pool.query(`SELECT client_id, redirect_uris, launch_uri FROM auth_client WHERE client_id IN ('group-documentation', 'patient-portal') ORDER BY client_id`);
    expect(before.rows[0].redirect_uris[0]).toBe(`${TEST_BASE_URL}/apps/group-documentation/`);
    await admin(['add-client', '--id', 'cli-backend-2', '--type', 'backend', '--jwks', 'https://keys.example/jwks.json', '--scope', 'system/*.rs'], { DATABASE_URL: databaseUrl });
    await admin(['token', '--client', 'cli-backend-2'], { DATABASE_URL: databaseUrl, BASE_URL: 'http://somewhere-else.example:9999' });
    const after = await server.pool.query(`SELECT client_id, redirect_uris, launch_uri FROM auth_client WHERE client_id IN ('group-documentation', 'patient-portal') ORDER BY client_id`);
    expect(after.rows).toEqual(before.rows);
  }, 120_000);

  test('the jwks of add-client may be a URL (registered as jwks_uri)', async () => {
    await admin(['add-client', '--id', 'cli-url', '--type', 'backend', '--jwks', 'https://keys.example/jwks.json', '--scope', 'system/*.read'], { DATABASE_URL: databaseUrl });
    const { rows } = await server.pool.query('SELECT jwks_uri, jwks FROM auth_client WHERE client_id = $1', ['cli-url']);
    expect(rows[0]).toEqual({ jwks_uri: 'https://keys.example/jwks.json', jwks: null });
  }, 120_000);
});

const describeEmbedded = process.env.DATABASE_URL ? describe.skip : describe;
describeEmbedded('npm run admin (DATA_DIR), with and without PostgreSQL running', () => {
  test('joins a running embedded PostgreSQL through its postmaster.pid (here: the test cluster\'s)', async () => {
    // The embedded cluster the tests run on is a DATA_DIR whose PostgreSQL is running: the CLI must join it.
    const { rows: [setting] } = await server.pool.query(`SELECT current_setting('data_directory') AS dir`);
    const env = { DATA_DIR: path.dirname(setting.dir), DATABASE_URL: '' };
    const { stdout } = await admin(['add-user', '--username', `joined-${Date.now()}`, '--password', 'a long password', '--admin'], env);
    const { username } = JSON.parse(stdout);
    const cluster = new Client({ connectionString: withDatabase(process.env.IOP_TEST_ADMIN_URL!, 'postgres') });
    await cluster.connect();
    try {
      const { rows } = await cluster.query('SELECT is_admin FROM auth_user WHERE username = $1', [username]);
      expect(rows).toEqual([{ is_admin: true }]);
    } finally {
      await cluster.end();
    }
  }, 120_000);

  test('starts (and stops) its own embedded PostgreSQL when none runs', async () => {
    const dataDir = path.join(workDir, 'data');
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    await admin(['add-user', '--username', 'offline-admin', '--password', 'a long password', '--admin'], env);
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 180_000);
});

test('housekeeping removes expired authorization state, and only that', async () => {
  const pool = authServerOf(server.app).pool;
  await pool.query(`INSERT INTO auth_assertion_jti (client_id, jti, expires_at) VALUES ('x', 'old', now() - interval '1 minute'), ('x', 'live', now() + interval '5 minutes')`);
  await removeExpiredAuthState(pool);
  const { rows } = await pool.query(`SELECT jti FROM auth_assertion_jti WHERE client_id = 'x'`);
  expect(rows).toEqual([{ jti: 'live' }]);
});
