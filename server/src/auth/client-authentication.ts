/**
 * Who is calling the token, introspection or revocation endpoint: exactly one method per request —
 * HTTP Basic or client_secret_post (confidential-symmetric), a signed assertion (confidential-asymmetric and
 * backend), or a bare client_id (public clients only).
 */
import type { AuthSettings } from './auth-settings';
import { authenticateByAssertion, JWT_BEARER } from './client-assertion';
import { Client, findClient } from './clients';
import type { Db } from './db';
import { InvalidClient, InvalidRequest } from './oauth-errors';
import { sameSecretHash } from './secrets';

export interface ClientCredentials {
  authorization?: string;
  body: Record<string, string | undefined>;
}

export interface AuthenticatedClient {
  client: Client;
  method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  /** The verified client assertion's claims (private_key_jwt), e.g. the UDAP B2B extension's purpose_of_use. */
  assertionClaims?: Record<string, unknown>;
}

export async function authenticateClient(db: Db, settings: AuthSettings, credentials: ClientCredentials): Promise<AuthenticatedClient> {
  const basic = parseBasic(credentials.authorization);
  const { client_id: bodyClientId, client_secret: bodySecret, client_assertion: assertion, client_assertion_type: assertionType } = credentials.body;
  const methods = [basic, bodySecret, assertion ?? assertionType].filter((m) => m !== undefined).length;
  if (methods > 1) throw new InvalidRequest('use exactly one client authentication method');
  if (assertionType !== undefined || assertion !== undefined) {
    if (assertionType !== JWT_BEARER) throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER}`);
    if (!assertion) throw new InvalidClient('client_assertion is missing');
    const { client, claims } = await authenticateByAssertion(db, settings, assertion, bodyClientId);
    return { client, method: 'private_key_jwt', assertionClaims: claims };
  }
  if (basic) {
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) throw new InvalidClient('client_id does not match the Basic credentials');
    return { client: await authenticateBySecret(db, basic.clientId, basic.secret), method: 'client_secret_basic' };
  }
  if (!bodyClientId) throw new InvalidClient('client authentication is required');
  if (bodySecret !== undefined) return { client: await authenticateBySecret(db, bodyClientId, bodySecret), method: 'client_secret_post' };
  return { client: await authenticatePublic(db, bodyClientId), method: 'none' };
}

function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClient('malformed Basic credentials');
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidClient('malformed Basic credentials');
  }
}

async function authenticateBySecret(db: Db, clientId: string, secret: string): Promise<Client> {
  const client = await findClient(db, clientId);
  if (!client || client.disabled || client.type !== 'confidential-symmetric' || !client.secretHash) throw new InvalidClient('unknown client or wrong secret');
  if (!sameSecretHash(secret, client.secretHash)) throw new InvalidClient('unknown client or wrong secret');
  return client;
}

async function authenticatePublic(db: Db, clientId: string): Promise<Client> {
  const client = await findClient(db, clientId);
  if (!client || client.disabled) throw new InvalidClient('unknown client');
  if (client.type !== 'public') throw new InvalidClient('this client must authenticate (it is not a public client)');
  return client;
}
