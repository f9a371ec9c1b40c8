/** CONFORMANCE.md A.1 (discovery), A.7.2–A.7.4 (OpenID configuration, JWKS), A.9.1–2 (CORS), B.1, D.1. */
import { createPublicKey } from 'node:crypto';
import pino from 'pino';
import supertest from 'supertest';
import { createApp } from '../../server/src/app';
import { FHIR_BASE, startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const WK = '/fhir/.well-known/smart-configuration';

describe('A.1 SMART configuration', () => {
  test('A.1.1–3: 200, valid JSON, Content-Type application/json', async () => {
    const res = await server.http.get(WK).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(() => JSON.parse(res.text)).not.toThrow();
  });

  test('A.1.4–5: required keys with the right types; endpoints are absolute http URLs', async () => {
    const { body } = await server.http.get(WK);
    for (const key of ['authorization_endpoint', 'token_endpoint']) {
      expect(typeof body[key]).toBe('string');
      expect(new URL(body[key]).protocol).toBe('http:');
    }
    for (const key of ['capabilities', 'grant_types_supported', 'code_challenge_methods_supported']) expect(Array.isArray(body[key])).toBe(true);
    for (const key of ['introspection_endpoint', 'revocation_endpoint']) expect(body[key]).toMatch(/^http:\/\/localhost:8080\/auth\//);
  });

  test('A.1.6–7: authorization_code and client_credentials; S256 only, never plain', async () => {
    const { body } = await server.http.get(WK);
    expect(body.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials']));
    expect(body.code_challenge_methods_supported).toEqual(['S256']);
  });

  test('A.1.8–9: sso-openid-connect comes with issuer and jwks_uri; every capability is a string', async () => {
    const { body } = await server.http.get(WK);
    expect(body.capabilities).toContain('sso-openid-connect');
    expect(typeof body.issuer).toBe('string');
    expect(typeof body.jwks_uri).toBe('string');
    expect(body.capabilities.every((c: unknown) => typeof c === 'string')).toBe(true);
  });

  test('D.1: every capability the g10 standalone and EHR suites require (plus encounter, banner, style)', async () => {
    const { body } = await server.http.get(WK);
    const required = [
      'launch-ehr', 'launch-standalone', 'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric',
      'sso-openid-connect', 'context-ehr-patient', 'context-ehr-encounter', 'context-standalone-patient', 'context-banner', 'context-style',
      'permission-offline', 'permission-patient', 'permission-user', 'permission-v1', 'permission-v2', 'authorize-post',
    ];
    expect(body.capabilities).toEqual(expect.arrayContaining(required));
  });

  test('B.1.1–4: token endpoint, auth methods with private_key_jwt and client_secret_basic, RS384/ES384, scopes', async () => {
    const { body } = await server.http.get(WK);
    expect(new URL(body.token_endpoint).href).toBe(`${TEST_BASE_URL}/auth/token`);
    expect(body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_basic']));
    expect(body.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS384', 'ES384']));
    expect(body.scopes_supported.length).toBeGreaterThan(0);
  });
});

describe('A.7 OpenID configuration and JWKS', () => {
  test('A.7.2–3: /.well-known/openid-configuration at the issuer with the required members and RS256', async () => {
    const { body: smart } = await server.http.get(WK);
    const res = await server.http.get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    for (const key of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported']) {
      expect(res.body[key]).toBeDefined();
    }
    expect(res.body.issuer).toBe(smart.issuer);
    expect(res.body.id_token_signing_alg_values_supported).toContain('RS256');
  });

  test('A.7.4: the JWKS has an importable RSA key with a kid, and no private parts', async () => {
    const res = await server.http.get('/auth/jwks');
    expect(res.status).toBe(200);
    const rsa = res.body.keys.filter((k: { kty: string }) => k.kty === 'RSA');
    expect(rsa.length).toBeGreaterThanOrEqual(1);
    for (const key of rsa) {
      expect(key.kid).toEqual(expect.any(String));
      expect(key.d).toBeUndefined();
      expect(() => createPublicKey({ key, format: 'jwk' })).not.toThrow();
    }
  });

  test('the signing key survives: a second server on the same database serves the same JWKS', async () => {
    const first = await server.http.get('/auth/jwks');
    const other = createApp({ pool: server.pool, baseUrl: TEST_BASE_URL, logger: pino({ level: 'silent' }) });
    const second = await supertest(other).get('/auth/jwks');
    expect(second.body.keys).toEqual(first.body.keys);
  });
});

describe('A.9 CORS', () => {
  const origin = 'https://inferno.healthit.gov';
  test('A.9.1: discovery answers with Access-Control-Allow-Origin', async () => {
    const res = await server.http.get(WK).set('Origin', origin);
    expect(res.status).toBe(200);
    expect([origin, '*']).toContain(res.headers['access-control-allow-origin']);
  });

  test('A.9.2: metadata (no token) answers 200 with Access-Control-Allow-Origin', async () => {
    const res = await server.http.get('/fhir/metadata').set('Origin', origin);
    expect(res.status).toBe(200);
    expect([origin, '*']).toContain(res.headers['access-control-allow-origin']);
  });

  test('a preflight for the FHIR API allows Authorization', async () => {
    const res = await server.http.options('/fhir/Patient').set('Origin', origin)
      .set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
  });
});

test('the FHIR base in discovery is ours', () => {
  expect(FHIR_BASE).toBe(`${TEST_BASE_URL}/fhir`);
});
