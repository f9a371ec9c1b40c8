/**
 * What administrators can do, shared by the command line (admin-cli.ts) and the admin API (admin-routes.ts):
 * register, list and disable clients, create, list and disable users, verify the audit chain, mint a backend token for scripts.
 */
import type { JsonWebKey } from 'node:crypto';
import type { Pool } from 'pg';
import { badRequest } from '../errors';
import type { AuthServer } from '../auth/auth-server';
import { Client, CLIENT_TYPES, ClientRegistration, ClientType, disableClient, findClient, listClients, registerClient } from '../auth/clients';
import { NO_LAUNCH_CONTEXT } from '../auth/launch-context';
import { permittedScopes, splitScopes } from '../auth/scopes';
import { issueTokens, TokenResponse } from '../auth/token-issuer';
import { createUser, disableUser, listUsers, User } from '../auth/users';

/** A client as shown to administrators: never the secret hash. */
export function describeClient(client: Client): Record<string, unknown> {
  return {
    client_id: client.clientId, type: client.type, name: client.name, redirect_uris: client.redirectUris, scope: client.allowedScopes.join(' '),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}), ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.launchUri ? { launch_uri: client.launchUri } : {}), admin: client.isAdmin, disabled: client.disabled,
    created: client.createdAt.toISOString(),
  };
}

export function describeUser(user: User): Record<string, unknown> {
  return { user_id: user.userId, username: user.username, fhir_user: user.fhirUser, admin: user.isAdmin, disabled: user.disabled, created: user.createdAt.toISOString() };
}

/** The admin API's JSON body (snake_case, as in OAuth dynamic registration) → a registration. */
export function registrationFromJson(body: Record<string, unknown>): ClientRegistration {
  const type = body.type as ClientType;
  if (!CLIENT_TYPES.includes(type)) throw badRequest(`type must be one of ${CLIENT_TYPES.join(', ')}`);
  const uris = body.redirect_uris ?? (body.redirect_uri !== undefined ? [body.redirect_uri] : []);
  if (!Array.isArray(uris) || uris.some((u) => typeof u !== 'string')) throw badRequest('redirect_uris must be an array of URLs');
  const jwks = body.jwks as { keys: JsonWebKey[] } | undefined;
  return {
    clientId: String(body.client_id ?? ''), type, name: optional(body.name), secret: optional(body.client_secret), redirectUris: uris as string[],
    scope: String(body.scope ?? ''), jwks, jwksUri: optional(body.jwks_uri), launchUri: optional(body.launch_uri), isAdmin: body.admin === true,
    organization: optional(body.organization), purposes: purposesOf(body.purposes),
  };
}

function purposesOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest('purposes must be an array of purpose-of-use codes');
  return value as string[];
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export async function addClient(db: Pool, registration: ClientRegistration): Promise<{ client: Client; secret?: string }> {
  if (await findClient(db, registration.clientId)) throw badRequest(`A client with id ${registration.clientId} already exists`);
  return registerClient(db, registration);
}

export { createUser as addUser, disableClient, disableUser, listClients, listUsers };

/**
 * A backend access token minted directly (no assertion round trip), for scripts and benchmarks run by someone
 * who already has database access. The client must be a registered backend client allowed those scopes.
 */
export async function mintBackendToken(server: AuthServer, clientId: string, scope: string, seconds?: number, purpose?: string): Promise<TokenResponse> {
  await server.ready();
  const client = await findClient(server.pool, clientId);
  if (!client || client.disabled || client.type !== 'backend') throw badRequest(`${clientId} is not a registered backend client`);
  const requested = splitScopes(scope || client.allowedScopes.join(' '));
  const granted = permittedScopes(requested, client.allowedScopes);
  if (granted.length !== requested.length) throw badRequest(`the client is not allowed: ${requested.filter((s) => !granted.includes(s)).join(' ')}`);
  if (purpose !== undefined && !client.purposes.includes(purpose)) throw badRequest(`purpose ${purpose} is not registered for ${clientId} (registered: ${client.purposes.join(', ') || 'none'})`);
  return issueTokens(server.issuer, {
    client, scopes: granted, context: NO_LAUNCH_CONTEXT, lifetimeSeconds: seconds ?? server.settings.backendTokenSeconds, userFacing: false,
    purpose: purpose ?? client.purposes[0],
  });
}
