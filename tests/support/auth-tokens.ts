/**
 * Tokens for tests, minted with the app's own authorization server (no browser round trip): an all-access
 * admin backend token for the default agent, and tokens with chosen scopes and launch context.
 */
import type { Express } from 'express';
import type { AuthServer } from '../../server/src/auth/auth-server';
import { findClient, registerClient } from '../../server/src/auth/clients';
import { issueTokens } from '../../server/src/auth/token-issuer';
import { createUser } from '../../server/src/auth/users';
import { jwksOf, makeKey } from './auth-keys';

export const TEST_ADMIN_CLIENT = 'test-admin';
export const TEST_APP_CLIENT = 'test-app';
export const TEST_APP_REDIRECT = 'http://app.test/callback';

export interface TokenContext {
  patient?: string;
  encounter?: string;
  /** Practitioner/ID, Patient/ID or RelatedPerson/ID: the token is for a user linked to it. */
  fhirUser?: string;
  /** An administrator user (no fhirUser needed). */
  adminUser?: boolean;
  /** An existing user (e.g. from support/auth-fixtures.ts) instead of a generated one. */
  username?: string;
  /** A registered backend client to issue a system/ token for (default: the all-access admin test client). */
  clientId?: string;
  /** The purpose of use of that backend token (default: the client's first registered purpose). */
  purpose?: string;
}

export function authServerOf(app: Express): AuthServer {
  return app.locals.auth as AuthServer;
}

const ALL_USER_SCOPES = 'openid fhirUser profile launch launch/patient launch/encounter offline_access online_access patient/*.cruds user/*.cruds';

export async function ensureTestClients(server: AuthServer): Promise<void> {
  await server.ready();
  if (await findClient(server.pool, TEST_ADMIN_CLIENT)) return;
  await registerClient(server.pool, { clientId: TEST_ADMIN_CLIENT, type: 'backend', scope: 'system/*.cruds', jwks: jwksOf(makeKey('ES384')), isAdmin: true }, true);
  await registerClient(server.pool, { clientId: TEST_APP_CLIENT, type: 'public', scope: ALL_USER_SCOPES, redirectUris: [TEST_APP_REDIRECT] }, true);
}

const users = new WeakMap<AuthServer, Map<string, string>>();

async function userFor(server: AuthServer, context: TokenContext): Promise<{ userId: string; fhirUser?: string } | undefined> {
  if (context.username) {
    const { rows } = await server.pool.query('SELECT user_id, fhir_user FROM auth_user WHERE username = $1', [context.username]);
    if (!rows[0]) throw new Error(`no user ${context.username}`);
    return { userId: rows[0].user_id, fhirUser: rows[0].fhir_user ?? undefined };
  }
  if (!context.fhirUser && !context.adminUser) return undefined;
  const key = context.adminUser ? 'admin' : context.fhirUser!;
  const known = users.get(server) ?? new Map<string, string>();
  users.set(server, known);
  if (!known.has(key)) {
    const user = await createUser(server.pool, {
      username: `test-${key.replace('/', '-')}-${Math.random().toString(36).slice(2, 8)}`, password: 'test-password-123',
      fhirUser: context.fhirUser, isAdmin: context.adminUser,
    });
    known.set(key, user.userId);
  }
  return { userId: known.get(key)!, fhirUser: context.fhirUser };
}

/** An access token with exactly these scopes (user-facing unless they are system/ scopes). */
export async function mintToken(app: Express, scopes: string, context: TokenContext = {}): Promise<string> {
  const server = authServerOf(app);
  await ensureTestClients(server);
  const backend = /(^|\s)system\//.test(scopes);
  const client = (await findClient(server.pool, context.clientId ?? (backend ? TEST_ADMIN_CLIENT : TEST_APP_CLIENT)))!;
  const user = await userFor(server, context);
  const response = await issueTokens(server.issuer, {
    client,
    scopes: scopes.split(/\s+/).filter(Boolean),
    userId: user?.userId,
    fhirUser: user?.fhirUser,
    context: { patient: context.patient, encounter: context.encounter, fhirContext: [], ehrLaunch: false },
    lifetimeSeconds: 3600,
    userFacing: false,
    purpose: context.purpose ?? client.purposes[0],
  });
  return response.access_token;
}

/** The token the default test agent sends: an admin backend service with every permission on every resource. */
export function mintAdminToken(app: Express): Promise<string> {
  return mintToken(app, 'system/*.cruds');
}
