/** Client key pairs and signed client assertions (private_key_jwt) for tests, made with node:crypto. */
import { generateKeyPairSync, JsonWebKey, KeyObject, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface TestKey {
  kid: string;
  alg: 'RS384' | 'ES384';
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export function makeKey(alg: 'RS384' | 'ES384', kid = randomBytes(8).toString('hex')): TestKey {
  const { privateKey, publicKey } = alg === 'RS384'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { kid, alg, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

export function jwksOf(...keys: TestKey[]): { keys: JsonWebKey[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export interface AssertionOverrides {
  iss?: string;
  sub?: string;
  aud?: string;
  expiresIn?: number;
  jti?: string;
  omitJti?: boolean;
  omitKid?: boolean;
  kid?: string;
  header?: Record<string, unknown>;
  /** Extra claims, e.g. the UDAP B2B authorization extension (`extensions`). */
  claims?: Record<string, unknown>;
}

export function signAssertion(key: TestKey, clientId: string, tokenEndpoint: string, o: AssertionOverrides = {}): string {
  const payload: Record<string, unknown> = { ...o.claims, iss: o.iss ?? clientId, sub: o.sub ?? clientId, aud: o.aud ?? tokenEndpoint };
  if (!o.omitJti) payload.jti = o.jti ?? randomBytes(32).toString('hex');
  const now = Math.floor(Date.now() / 1000);
  payload.iat = now;
  payload.exp = now + (o.expiresIn ?? 240);
  return jwt.sign(payload, key.privateKey, {
    algorithm: key.alg,
    header: { alg: key.alg, typ: 'JWT', ...(o.omitKid ? {} : { kid: o.kid ?? key.kid }), ...o.header } as jwt.JwtHeader,
  });
}

/** A JWT with alg "none" (no signature), which must never be accepted. */
export function unsignedJwt(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT', ...header })}.${encode(payload)}.`;
}
