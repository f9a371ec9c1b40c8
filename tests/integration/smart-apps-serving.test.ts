/**
 * The SMART apps are served at /apps/ as public static files (no bearer token, with enforcement on): the right
 * content types, revalidating caches and a strict script policy, fhirclient's browser build, no directory
 * listings or dotfiles, and the FHIR API still refusing requests without a token.
 */
import { BUILTIN_APPS } from '../../server/src/auth/builtin-clients';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

test.each(BUILTIN_APPS.map((a) => a.clientId))('%s: its page and its SMART launch URL are served without a token', async (app) => {
  for (const file of ['', 'index.html', 'launch.html']) {
    const res = await server.anonymous.get(`/apps/${app}/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('../shared/fhir-client.min.js');
  }
  const script = await server.anonymous.get(`/apps/${app}/app.js`);
  expect(script.status).toBe(200);
  expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
});

test('the launcher page lists every app with its launch URL', async () => {
  const res = await server.anonymous.get('/apps/');
  expect(res.status).toBe(200);
  for (const app of BUILTIN_APPS) expect(res.text).toContain(`href="${app.clientId}/launch.html"`);
});

test('shared files: stylesheet, modules and the browser build of fhirclient', async () => {
  const css = await server.anonymous.get('/apps/shared/styles.css');
  expect(css.headers['content-type']).toMatch(/^text\/css/);
  const fhirClient = await server.anonymous.get('/apps/shared/fhir-client.min.js');
  expect(fhirClient.status).toBe(200);
  expect(fhirClient.headers['content-type']).toMatch(/^text\/javascript/);
  expect(fhirClient.text.length).toBeGreaterThan(10_000);
  const svg = await server.anonymous.get('/apps/shared/icon.svg');
  expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
});

test('a directory redirects to its slash form and is never listed; unknown files and escapes are 404 OperationOutcomes', async () => {
  const redirect = await server.anonymous.get('/apps/patient-portal');
  expect(redirect.status).toBe(301);
  expect(redirect.headers.location).toBe('/apps/patient-portal/');
  const shared = await server.anonymous.get('/apps/shared/');
  expect(shared.status).toBe(404); // no index.html there, and no listing
  expect(shared.body.resourceType).toBe('OperationOutcome');
  for (const path of ['/apps/nope.js', '/apps/patient-portal/missing.html', '/apps/..%2Fpackage.json', '/apps/%2e%2e/server/src/app.ts']) {
    const res = await server.anonymous.get(path);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.text).not.toContain('"dependencies"');
    expect(res.text).not.toContain('createApp');
  }
});

test('serving the apps opens nothing else: the FHIR API still needs a token', async () => {
  expect((await server.anonymous.get('/fhir/Patient')).status).toBe(401);
});
