/**
 * Registered SMART clients: public apps, confidential apps (client secret or JWKS), and backend services.
 * Client secrets are stored only as hashes; a generated secret is returned once, at registration.
 * Not cached: read where used (token requests, authorization pages). Re-registering or disabling a client notifies
 * iop_access_tokens (`client:<id>`), so every process verifies its tokens again and forgets fetched JWKS.
 */
import type { JsonWebKey } from 'node:crypto';
import { PURPOSES_OF_USE } from '../domain/purpose-of-use';
import { badRequest } from '../errors';
import type { Pool } from 'pg';
import { CHANNELS, notify } from '../store/cache-invalidation';
import { inPgTransaction } from '../store/pg-transaction';
import type { Db } from './db';
import { parseResourceScopes, splitScopes } from './scopes';
import { forgetConsentsForClient } from './remembered-consent-removal';
import { hashSecret, newSecret } from './secrets';

export const CLIENT_TYPES = ['public', 'confidential-symmetric', 'confidential-asymmetric', 'backend'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

export interface Client {
  clientId: string;
  type: ClientType;
  name: string;
  secretHash?: string;
  redirectUris: string[];
  allowedScopes: string[];
  jwks?: { keys: JsonWebKey[] };
  jwksUri?: string;
  launchUri?: string;
  isAdmin: boolean;
  /** The organisation a backend client acts for (a consent names it as recipient), e.g. Organization/123. */
  organization?: string;
  /** Purposes of use it may claim (v3 ActReason); the first is the default. */
  purposes: string[];
  createdAt: Date;
  disabled: boolean;
}

export interface ClientRegistration {
  clientId: string;
  type: ClientType;
  name?: string;
  /** Only for confidential-symmetric; generated when absent. */
  secret?: string;
  redirectUris?: string[];
  scope: string;
  jwks?: { keys: JsonWebKey[] };
  jwksUri?: string;
  launchUri?: string;
  isAdmin?: boolean;
  organization?: string;
  purposes?: string[];
}

interface ClientRow {
  client_id: string;
  client_type: ClientType;
  name: string;
  secret_hash: string | null;
  redirect_uris: string[];
  allowed_scopes: string;
  jwks: { keys: JsonWebKey[] } | null;
  jwks_uri: string | null;
  launch_uri: string | null;
  is_admin: boolean;
  organization: string | null;
  purposes: string[];
  created_at: Date;
  disabled_at: Date | null;
}

const COLUMNS = 'client_id, client_type, name, secret_hash, redirect_uris, allowed_scopes, jwks, jwks_uri, launch_uri, is_admin, organization, purposes, created_at, disabled_at';

function toClient(row: ClientRow): Client {
  return {
    clientId: row.client_id,
    type: row.client_type,
    name: row.name,
    secretHash: row.secret_hash ?? undefined,
    redirectUris: row.redirect_uris,
    allowedScopes: splitScopes(row.allowed_scopes),
    jwks: row.jwks ?? undefined,
    jwksUri: row.jwks_uri ?? undefined,
    launchUri: row.launch_uri ?? undefined,
    isAdmin: row.is_admin,
    organization: row.organization ?? undefined,
    purposes: row.purposes,
    createdAt: row.created_at,
    disabled: row.disabled_at !== null,
  };
}

export async function findClient(db: Db, clientId: string): Promise<Client | undefined> {
  const { rows } = await db.query<ClientRow>(`SELECT ${COLUMNS} FROM auth_client WHERE client_id = $1`, [clientId]);
  return rows[0] && toClient(rows[0]);
}

export async function listClients(db: Db): Promise<Client[]> {
  const { rows } = await db.query<ClientRow>(`SELECT ${COLUMNS} FROM auth_client ORDER BY client_id`);
  return rows.map(toClient);
}

/**
 * Registers (or, with `replace`, re-registers) a client. Returns the client secret when one was generated. A
 * re-registration may change what its tokens carry (admin, organisation) or end a disable: they are verified again.
 */
export async function registerClient(db: Pool, input: ClientRegistration, replace = false): Promise<{ client: Client; secret?: string }> {
  checkRegistration(input);
  await checkOrganizationExists(db, input.organization);
  const secret = input.type === 'confidential-symmetric' ? input.secret ?? newSecret() : undefined;
  const values = [
    input.clientId, input.type, input.name ?? input.clientId, secret ? hashSecret(secret) : null, input.redirectUris ?? [],
    splitScopes(input.scope).join(' '), input.jwks ?? null, input.jwksUri ?? null, input.launchUri ?? null, input.isAdmin ?? false,
    input.organization ?? null, input.purposes ?? [],
  ];
  const conflict = replace
    ? `ON CONFLICT (client_id) DO UPDATE SET client_type = EXCLUDED.client_type, name = EXCLUDED.name,
       secret_hash = EXCLUDED.secret_hash, redirect_uris = EXCLUDED.redirect_uris, allowed_scopes = EXCLUDED.allowed_scopes,
       jwks = EXCLUDED.jwks, jwks_uri = EXCLUDED.jwks_uri, launch_uri = EXCLUDED.launch_uri, is_admin = EXCLUDED.is_admin,
       organization = EXCLUDED.organization, purposes = EXCLUDED.purposes, disabled_at = NULL`
    : '';
  return inPgTransaction(db, async (tx) => {
    const before = replace ? await lockClient(tx.client, input.clientId) : undefined;
    const { rows } = await tx.client.query<ClientRow>(
      `INSERT INTO auth_client (client_id, client_type, name, secret_hash, redirect_uris, allowed_scopes, jwks, jwks_uri, launch_uri, is_admin, organization, purposes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ${conflict} RETURNING ${COLUMNS}`,
      values,
    );
    const client = toClient(rows[0]);
    if (before && changesTokensOrKeys(before, client)) await notify(tx, CHANNELS.accessTokens, `client:${input.clientId}`);
    return { client, secret };
  });
}

async function lockClient(db: Db, clientId: string): Promise<Client | undefined> {
  const { rows } = await db.query<ClientRow>(`SELECT ${COLUMNS} FROM auth_client WHERE client_id = $1 FOR UPDATE`, [clientId]);
  return rows[0] && toClient(rows[0]);
}

/** What verified tokens carry (admin, organisation) or where its keys come from; re-registering the same is silent. */
function changesTokensOrKeys(before: Client, after: Client): boolean {
  return before.isAdmin !== after.isAdmin || before.organization !== after.organization || before.jwksUri !== after.jwksUri
    || JSON.stringify(before.jwks ?? null) !== JSON.stringify(after.jwks ?? null);
}

/**
 * Disables a client: its tokens stop working at once on every process, it can get no new ones, and what users approved
 * for it is forgotten (should it be registered again, everyone is asked again).
 */
export async function disableClient(db: Pool, clientId: string): Promise<boolean> {
  return inPgTransaction(db, async (tx) => {
    const result = await tx.client.query('UPDATE auth_client SET disabled_at = now() WHERE client_id = $1 AND disabled_at IS NULL', [clientId]);
    if (!result.rowCount) return false;
    await forgetConsentsForClient(tx.client, clientId);
    await notify(tx, CHANNELS.accessTokens, `client:${clientId}`);
    return true;
  });
}

/** What a registration must carry for its type; a client that could never authenticate is refused up front. */
export function checkRegistration(input: ClientRegistration): void {
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(input.clientId ?? '')) throw badRequest('client id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -');
  if (!CLIENT_TYPES.includes(input.type)) throw badRequest(`client type must be one of ${CLIENT_TYPES.join(', ')}`);
  const scopes = splitScopes(input.scope);
  if (scopes.length === 0) throw badRequest('a client needs at least one allowed scope');
  const systemScopes = parseResourceScopes(scopes).filter((s) => s.level === 'system');
  for (const uri of input.redirectUris ?? []) checkUrl(uri, 'redirect URI');
  if (input.jwksUri) checkUrl(input.jwksUri, 'JWKS URL');
  if (input.launchUri) checkUrl(input.launchUri, 'launch URI');
  if (input.jwks && !Array.isArray(input.jwks.keys)) throw badRequest('jwks must be a JSON Web Key Set: {"keys": [...]}');
  if (input.organization !== undefined && !/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(input.organization)) {
    throw badRequest(`organization must be a reference like Organization/123 (got ${JSON.stringify(input.organization)})`);
  }
  for (const purpose of input.purposes ?? []) {
    if (!PURPOSES_OF_USE.includes(purpose)) throw badRequest(`unknown purpose of use ${JSON.stringify(purpose)}: use a v3 ActReason code such as TREAT, HPAYMT or HOPERAT`);
  }
  if (input.type === 'backend') {
    if (!input.jwks && !input.jwksUri) throw badRequest('a backend client needs a JWKS (inline) or a JWKS URL');
    if (systemScopes.length !== parseResourceScopes(scopes).length) throw badRequest('a backend client may only have system/ resource scopes');
    return;
  }
  if (!input.redirectUris?.length) throw badRequest(`a ${input.type} client needs at least one redirect URI`);
  if (systemScopes.length > 0) throw badRequest('system/ scopes are only for backend clients');
  if (input.type === 'confidential-asymmetric' && !input.jwks && !input.jwksUri) {
    throw badRequest('a confidential-asymmetric client needs a JWKS (inline) or a JWKS URL');
  }
  if (input.type === 'confidential-symmetric' && input.secret !== undefined && input.secret.length < 16) {
    throw badRequest('a client secret must be at least 16 characters');
  }
}

function checkUrl(value: string, what: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest(`${what} must be http(s): ${value}`);
  if (url.hash) throw badRequest(`${what} must not have a fragment: ${value}`);
}

/** The organisation a client is registered for must exist: a consent names it, and a typo would match no consent. */
async function checkOrganizationExists(db: Db, organization: string | undefined): Promise<void> {
  if (!organization) return;
  const { rowCount } = await db.query(
    `SELECT 1 FROM resource WHERE resource_type = 'Organization' AND id = $1 AND NOT deleted`, [organization.slice('Organization/'.length)],
  );
  if (!rowCount) throw badRequest(`unknown organization ${organization}: no such Organization is stored`);
}
