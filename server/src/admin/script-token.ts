/**
 * An access token for our own scripts (benchmarks, process tests) that already hold the database: registers a
 * backend client whose private key is thrown away at once (so only this direct path can mint for it), then mints
 * a token the same way `npm run admin -- token` does. The server must use the same database and BASE_URL.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Pool } from 'pg';
import { AuditLog } from '../audit/audit-log';
import { readAuthSettings } from '../auth/auth-settings';
import { AuthServer } from '../auth/auth-server';
import { findClient, registerClient } from '../auth/clients';
import { mintBackendToken } from './admin-commands';

export interface ScriptTokenRequest {
  /** The server's public origin (its BASE_URL): the token's audience is `${baseUrl}/fhir`. */
  baseUrl: string;
  clientId: string;
  scope: string;
  seconds: number;
  /** Administrator client (may run $reindex, read AuditEvents). */
  admin?: boolean;
  /** The organisation the client acts for and its purposes of use (42 CFR Part 2 consents name them). */
  actsFor?: { organization?: string; purposes?: string[] };
}

export async function mintScriptToken(pool: Pool, request: ScriptTokenRequest): Promise<string> {
  const server = new AuthServer(pool, readAuthSettings(request.baseUrl), new AuditLog(pool));
  await server.ready();
  await registerScriptClient(pool, request.clientId, request.scope, request.admin ?? false, request.actsFor);
  const token = await mintBackendToken(server, request.clientId, request.scope, request.seconds);
  return token.access_token;
}

/**
 * A backend client that only `npm run admin -- token` (database access) can mint for: its registered key's
 * private half is never kept. Left unchanged when it already exists.
 */
export async function registerScriptClient(
  pool: Pool, clientId: string, scope: string, admin: boolean, actsFor: { organization?: string; purposes?: string[] } = {},
): Promise<void> {
  if (await findClient(pool, clientId)) return;
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: `${clientId}-unused`, alg: 'ES384', use: 'sig' };
  await registerClient(pool, { clientId, type: 'backend', name: `${clientId} (scripts)`, scope, jwks: { keys: [jwk] }, isAdmin: admin, ...actsFor })
    .catch(async (err) => {
      // Another process registered it first: use theirs.
      if (!(await findClient(pool, clientId))) throw err;
    });
}
