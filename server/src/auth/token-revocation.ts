/** Revoking what we issued: one access token, or a whole grant (its refresh tokens and every access token). */
import type { Db } from './db';

export async function revokeGrant(db: Db, grantId: string): Promise<void> {
  await db.query('UPDATE auth_refresh_token SET revoked_at = now() WHERE grant_id = $1 AND revoked_at IS NULL', [grantId]);
  await db.query('UPDATE auth_token SET revoked_at = now() WHERE grant_id = $1 AND revoked_at IS NULL', [grantId]);
}

export async function revokeAccessToken(db: Db, jti: string, clientId: string): Promise<boolean> {
  const result = await db.query('UPDATE auth_token SET revoked_at = now() WHERE jti = $1 AND client_id = $2 AND revoked_at IS NULL', [jti, clientId]);
  return (result.rowCount ?? 0) > 0;
}

/** Returns the grant of the refresh token when it belonged to this client (then the whole grant is revoked). */
export async function revokeRefreshToken(db: Db, tokenHash: string, clientId: string): Promise<boolean> {
  const { rows } = await db.query<{ grant_id: string }>(
    'SELECT grant_id FROM auth_refresh_token WHERE token_hash = $1 AND client_id = $2', [tokenHash, clientId],
  );
  if (!rows[0]) return false;
  await revokeGrant(db, rows[0].grant_id);
  return true;
}
