/**
 * Verifies one of our access tokens: an RS256 JWT signed by our key, for our FHIR base, not expired, and still
 * active in auth_token (not revoked; client and user not disabled). Anything else is "invalid_token". A token
 * verified once is served from verified-token-cache.ts until it expires or a revocation reaches this process.
 */
import type { AuthServer } from './auth-server';
import { cleanFhirContext, FhirContextItem } from './launch-context';
import { splitScopes } from './scopes';
import { cachedVerifiedToken, rememberVerifiedToken, tokenCacheStamp } from './verified-token-cache';

export class InvalidToken extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'InvalidToken';
  }
}

export interface VerifiedToken {
  jti: string;
  subject: string;
  clientId: string;
  clientIsAdmin: boolean;
  userId?: string;
  username?: string;
  userIsAdmin: boolean;
  fhirUser?: string;
  scopes: string[];
  patient?: string;
  encounter?: string;
  fhirContext: FhirContextItem[];
  issuedAt: number;
  expiresAt: number;
  /** The purpose of use a backend token was issued for. */
  purpose?: string;
  /** The organisation the client acts for. */
  clientOrganization?: string;
  /** The grant it was issued under (authorization code and its refreshes); revoking the grant revokes it. */
  grantId?: string;
}

interface TokenRow {
  client_id: string;
  client_admin: boolean;
  user_id: string | null;
  username: string | null;
  user_admin: boolean | null;
  fhir_user: string | null;
  scope: string;
  patient: string | null;
  encounter: string | null;
  fhir_context: unknown;
  purpose: string | null;
  client_organization: string | null;
  grant_id: string | null;
}

export async function verifyAccessToken(server: AuthServer, token: string): Promise<VerifiedToken> {
  const cached = cachedVerifiedToken(token);
  if (cached) return cached;
  const stamp = tokenCacheStamp(); // before the database is read: an invalidation from now on prevents caching
  await server.ready();
  let claims;
  try {
    claims = await server.keys.verify(token, { audience: server.settings.fhirBase, issuer: server.settings.issuer });
  } catch (err) {
    throw new InvalidToken(`the access token is not valid: ${(err as Error).message.replace(/^jwt /, '')}`);
  }
  if (typeof claims.jti !== 'string') throw new InvalidToken('the access token has no jti');
  const { rows } = await server.pool.query<TokenRow>(
    `SELECT t.client_id, c.is_admin AS client_admin, t.user_id, u.username, u.is_admin AS user_admin, t.fhir_user, t.scope,
            t.patient, t.encounter, t.fhir_context, t.purpose, c.organization AS client_organization, t.grant_id
       FROM auth_token t
       JOIN auth_client c ON c.client_id = t.client_id AND c.disabled_at IS NULL
       LEFT JOIN auth_user u ON u.user_id = t.user_id
      WHERE t.jti = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND (t.user_id IS NULL OR u.disabled_at IS NULL)`,
    [claims.jti],
  );
  const row = rows[0];
  if (!row) throw new InvalidToken('the access token is revoked or expired');
  const verified: VerifiedToken = {
    jti: claims.jti,
    subject: String(claims.sub),
    clientId: row.client_id,
    clientIsAdmin: row.client_admin,
    userId: row.user_id ?? undefined,
    username: row.username ?? undefined,
    userIsAdmin: row.user_admin ?? false,
    fhirUser: row.fhir_user ?? undefined,
    scopes: splitScopes(row.scope),
    patient: row.patient ?? undefined,
    encounter: row.encounter ?? undefined,
    fhirContext: cleanFhirContext(row.fhir_context),
    issuedAt: Number(claims.iat),
    expiresAt: Number(claims.exp),
    purpose: row.purpose ?? undefined,
    clientOrganization: row.client_organization ?? undefined,
    grantId: row.grant_id ?? undefined,
  };
  rememberVerifiedToken(token, verified, stamp);
  return verified;
}
