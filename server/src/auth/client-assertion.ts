/**
 * private_key_jwt (RFC 7523, SMART Backend Services): the client proves itself with a JWT signed by its own key.
 * Each check is one guard; any failure is invalid_client.
 */
import jwt from 'jsonwebtoken';
import type { AuthSettings } from './auth-settings';
import { Client, findClient } from './clients';
import { findClientKey } from './client-jwks';
import type { Db } from './db';
import { CLIENT_ASSERTION_ALGS } from './discovery';
import { InvalidClient } from './oauth-errors';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLOCK_SKEW_SECONDS = 5;

interface AssertionParts {
  header: jwt.JwtHeader;
  payload: jwt.JwtPayload;
}

export async function authenticateByAssertion(db: Db, settings: AuthSettings, assertion: string, bodyClientId?: string): Promise<{ client: Client; claims: jwt.JwtPayload }> {
  const { header, payload } = decodeAssertion(assertion);
  checkAlgorithm(header);
  const clientId = checkIssuerIsSubject(payload);
  if (bodyClientId !== undefined && bodyClientId !== clientId) throw new InvalidClient('client_id does not match the assertion issuer');
  const client = await findAssertionClient(db, clientId);
  checkJku(header, client);
  const key = await findClientKey(client, requireKid(header), header.alg);
  verifySignatureAndClaims(assertion, key, header.alg, settings, clientId);
  checkLifetime(payload, settings);
  await consumeJti(db, clientId, requireJti(payload), payload.exp!);
  return { client, claims: payload };
}

function decodeAssertion(assertion: string): AssertionParts {
  const decoded = jwt.decode(assertion, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new InvalidClient('client_assertion is not a JWT');
  return { header: decoded.header, payload: decoded.payload };
}

function checkAlgorithm(header: jwt.JwtHeader): void {
  if (!CLIENT_ASSERTION_ALGS.includes(header.alg)) {
    throw new InvalidClient(`client_assertion alg ${header.alg} is not accepted (use ${CLIENT_ASSERTION_ALGS.join(' or ')})`);
  }
}

function checkIssuerIsSubject(payload: jwt.JwtPayload): string {
  if (typeof payload.iss !== 'string' || !payload.iss) throw new InvalidClient('client_assertion has no iss');
  if (payload.sub !== payload.iss) throw new InvalidClient('client_assertion iss and sub must both be the client id');
  return payload.iss;
}

async function findAssertionClient(db: Db, clientId: string): Promise<Client> {
  const client = await findClient(db, clientId);
  if (!client || client.disabled) throw new InvalidClient('unknown client');
  if (client.type !== 'backend' && client.type !== 'confidential-asymmetric') {
    throw new InvalidClient('this client is not registered for private_key_jwt authentication');
  }
  return client;
}

function checkJku(header: jwt.JwtHeader, client: Client): void {
  if (header.jku !== undefined && header.jku !== client.jwksUri) throw new InvalidClient('jku does not match the registered JWKS URL');
}

function requireKid(header: jwt.JwtHeader): string {
  if (!header.kid) throw new InvalidClient('client_assertion header has no kid');
  return header.kid;
}

function verifySignatureAndClaims(assertion: string, key: Parameters<typeof jwt.verify>[1], alg: string, settings: AuthSettings, clientId: string): void {
  try {
    jwt.verify(assertion, key, {
      algorithms: [alg as jwt.Algorithm],
      audience: settings.tokenEndpoint,
      issuer: clientId,
      subject: clientId,
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
  } catch (err) {
    throw new InvalidClient(`client_assertion rejected: ${describeJwtError(err)}`);
  }
}

function checkLifetime(payload: jwt.JwtPayload, settings: AuthSettings): void {
  if (typeof payload.exp !== 'number') throw new InvalidClient('client_assertion has no exp');
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp > now + settings.maxAssertionSeconds + CLOCK_SKEW_SECONDS) {
    throw new InvalidClient(`client_assertion exp must be at most ${settings.maxAssertionSeconds} seconds in the future`);
  }
}

function requireJti(payload: jwt.JwtPayload): string {
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw new InvalidClient('client_assertion has no jti');
  return payload.jti;
}

/** Records the jti until the assertion expires; a second use of the same jti finds the row and is refused. */
async function consumeJti(db: Db, clientId: string, jti: string, exp: number): Promise<void> {
  const { rowCount } = await db.query(
    `INSERT INTO auth_assertion_jti (client_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3) + interval '1 minute')
     ON CONFLICT (client_id, jti) DO NOTHING`,
    [clientId, jti, exp],
  );
  if (rowCount === 0) throw new InvalidClient('client_assertion jti was already used');
}

function describeJwtError(err: unknown): string {
  if (err instanceof jwt.TokenExpiredError) return 'expired';
  if (err instanceof jwt.JsonWebTokenError) {
    if (/audience/.test(err.message)) return 'aud must be the token endpoint';
    if (/signature/.test(err.message)) return 'invalid signature';
    return err.message.replace(/^jwt /, '');
  }
  return 'invalid';
}
