/**
 * grant_type=refresh_token: refresh tokens rotate (each is single-use), an optional `scope` may only narrow the
 * grant, and presenting a used refresh token again revokes the whole grant (it must have been stolen).
 */
import type { Client } from '../clients';
import { cleanFhirContext } from '../launch-context';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../oauth-errors';
import { isScopeSubset, splitScopes } from '../scopes';
import { hashSecret } from '../secrets';
import { issueTokens, TokenIssuer, TokenResponse } from '../token-issuer';
import { revokeGrant } from '../token-revocation';
import { findUserById } from '../users';

interface RefreshRow {
  grant_id: string;
  client_id: string;
  user_id: string | null;
  scope: string;
  patient: string | null;
  encounter: string | null;
  fhir_context: unknown;
  ehr_launch: boolean;
}

export async function refreshTokenGrant(issuer: TokenIssuer, client: Client, body: Record<string, string | undefined>): Promise<TokenResponse> {
  if (!body.refresh_token) throw new InvalidRequest('refresh_token is required');
  // Every refusal that is the caller's mistake (a scope the grant lacks, an inactive user) is decided before the
  // token is consumed, so it does not cost the app its grant; only a token in the wrong hands burns it.
  const row = await findUsableRefreshToken(issuer, body.refresh_token);
  if (row.client_id !== client.clientId) {
    await revokeGrant(issuer.db, row.grant_id);
    throw new InvalidGrant('the refresh token was issued to another client');
  }
  const grantScopes = splitScopes(row.scope);
  const scopes = body.scope !== undefined ? splitScopes(body.scope) : grantScopes;
  if (!isScopeSubset(scopes, grantScopes)) throw new InvalidScope('a refresh may only ask for scopes the grant already has');
  const user = row.user_id ? await findUserById(issuer.db, row.user_id) : undefined;
  if (row.user_id && (!user || user.disabled)) throw new InvalidGrant('the user of this grant is no longer active');
  await consumeRefreshToken(issuer, body.refresh_token);
  return issueTokens(issuer, {
    client,
    scopes,
    grantScopes,
    userId: user?.userId,
    username: user?.username,
    fhirUser: user?.fhirUser,
    context: { patient: row.patient ?? undefined, encounter: row.encounter ?? undefined, fhirContext: cleanFhirContext(row.fhir_context), ehrLaunch: row.ehr_launch },
    grantId: row.grant_id,
    lifetimeSeconds: issuer.settings.accessTokenSeconds,
    userFacing: true,
  });
}

const ROW = 'grant_id, client_id, user_id, scope, patient, encounter, fhir_context, ehr_launch';

/** The unused, unrevoked, unexpired token; presenting a used one revokes its grant (it must have been stolen). */
async function findUsableRefreshToken(issuer: TokenIssuer, token: string): Promise<RefreshRow> {
  const tokenHash = hashSecret(token);
  const { rows } = await issuer.db.query<RefreshRow>(
    `SELECT ${ROW} FROM auth_refresh_token WHERE token_hash = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
    [tokenHash],
  );
  if (rows[0]) return rows[0];
  const { rows: used } = await issuer.db.query<{ grant_id: string }>(
    'SELECT grant_id FROM auth_refresh_token WHERE token_hash = $1 AND consumed_at IS NOT NULL', [tokenHash],
  );
  if (used[0]) await revokeGrant(issuer.db, used[0].grant_id);
  throw new InvalidGrant('the refresh token is invalid, expired, revoked or already used');
}

/** Single use, atomically: of two concurrent refreshes with the same token, one wins and the other is refused. */
async function consumeRefreshToken(issuer: TokenIssuer, token: string): Promise<void> {
  const { rowCount } = await issuer.db.query(
    `UPDATE auth_refresh_token SET consumed_at = now()
     WHERE token_hash = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
    [hashSecret(token)],
  );
  if (!rowCount) throw new InvalidGrant('the refresh token is invalid, expired, revoked or already used');
}
