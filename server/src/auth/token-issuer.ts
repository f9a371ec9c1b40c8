/**
 * Issues what the token endpoint returns: an access token (RS256 JWT whose jti is recorded for introspection and
 * revocation), a rotating refresh token for offline_access/online_access, and an OpenID id_token.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { AuthSettings } from './auth-settings';
import type { Client } from './clients';
import type { LaunchContext } from './launch-context';
import { hashSecret, newSecret } from './secrets';
import type { SigningKeys } from './signing-keys';

export interface TokenGrant {
  client: Client;
  scopes: string[];
  /** Scopes of the whole grant, kept by its refresh token (a refresh may ask for fewer); defaults to `scopes`. */
  grantScopes?: string[];
  userId?: string;
  username?: string;
  fhirUser?: string;
  context: LaunchContext;
  nonce?: string;
  /** The refresh-token family this grant belongs to; new grants get a fresh one. */
  grantId?: string;
  lifetimeSeconds: number;
  /** authorization_code / refresh_token (a user is present) rather than client_credentials. */
  userFacing: boolean;
  /** The purpose of use a backend token was issued for (42 CFR Part 2 consents are matched on it). */
  purpose?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  patient?: string;
  encounter?: string;
  fhirContext?: LaunchContext['fhirContext'];
  need_patient_banner?: boolean;
  smart_style_url?: string;
}

export interface TokenIssuer {
  db: Pool;
  keys: SigningKeys;
  settings: AuthSettings;
}

export async function issueTokens(issuer: TokenIssuer, grant: TokenGrant): Promise<TokenResponse> {
  const grantId = grant.grantId ?? randomUUID();
  const response: TokenResponse = {
    access_token: await issueAccessToken(issuer, grant, grantId),
    token_type: 'Bearer',
    expires_in: grant.lifetimeSeconds,
    scope: grant.scopes.join(' '),
  };
  const { context } = grant;
  if (context.patient) response.patient = context.patient;
  if (context.encounter) response.encounter = context.encounter;
  if (context.fhirContext.length > 0) response.fhirContext = context.fhirContext;
  if (grant.userFacing) {
    response.need_patient_banner = !context.ehrLaunch;
    response.smart_style_url = `${issuer.settings.issuer}/auth/smart-style.json`;
    const refresh = await issueRefreshToken(issuer, grant, grantId);
    if (refresh) response.refresh_token = refresh;
    if (grant.scopes.includes('openid') && grant.userId) response.id_token = issueIdToken(issuer, grant);
  }
  return response;
}

async function issueAccessToken(issuer: TokenIssuer, grant: TokenGrant, grantId: string): Promise<string> {
  const jti = randomUUID();
  const { settings, keys, db } = issuer;
  const claims: Record<string, unknown> = { client_id: grant.client.clientId, scope: grant.scopes.join(' ') };
  if (grant.context.patient) claims.patient = grant.context.patient;
  if (grant.context.encounter) claims.encounter = grant.context.encounter;
  if (grant.fhirUser) claims.fhirUser = `${settings.fhirBase}/${grant.fhirUser}`;
  const token = keys.sign(claims, {
    issuer: settings.issuer, audience: settings.fhirBase, subject: grant.userId ?? grant.client.clientId,
    expiresIn: grant.lifetimeSeconds, jwtid: jti,
  });
  await db.query(
    `INSERT INTO auth_token (jti, client_id, user_id, scope, patient, encounter, fhir_context, fhir_user, grant_id, expires_at, purpose)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10), $11)`,
    [jti, grant.client.clientId, grant.userId ?? null, grant.scopes.join(' '), grant.context.patient ?? null, grant.context.encounter ?? null,
      JSON.stringify(grant.context.fhirContext), grant.fhirUser ?? null, grantId, grant.lifetimeSeconds, grant.purpose ?? null],
  );
  return token;
}

async function issueRefreshToken(issuer: TokenIssuer, grant: TokenGrant, grantId: string): Promise<string | undefined> {
  const scopes = grant.grantScopes ?? grant.scopes;
  const offline = scopes.includes('offline_access');
  if (!offline && !scopes.includes('online_access')) return undefined;
  const token = newSecret();
  const seconds = offline ? issuer.settings.offlineRefreshSeconds : issuer.settings.onlineRefreshSeconds;
  await issuer.db.query(
    `INSERT INTO auth_refresh_token (token_hash, grant_id, client_id, user_id, scope, patient, encounter, fhir_context, ehr_launch, offline, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + make_interval(secs => $11))`,
    [hashSecret(token), grantId, grant.client.clientId, grant.userId ?? null, scopes.join(' '), grant.context.patient ?? null,
      grant.context.encounter ?? null, JSON.stringify(grant.context.fhirContext), grant.context.ehrLaunch, offline, seconds],
  );
  return token;
}

function issueIdToken(issuer: TokenIssuer, grant: TokenGrant): string {
  const claims: Record<string, unknown> = {};
  if (grant.nonce) claims.nonce = grant.nonce;
  if (grant.username) claims.preferred_username = grant.username;
  if (grant.fhirUser && grant.scopes.includes('fhirUser')) claims.fhirUser = `${issuer.settings.fhirBase}/${grant.fhirUser}`;
  return issuer.keys.sign(claims, {
    issuer: issuer.settings.issuer, audience: grant.client.clientId, subject: grant.userId!, expiresIn: issuer.settings.accessTokenSeconds,
  });
}
