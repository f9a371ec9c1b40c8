/**
 * Revoking what we issued: one access token, or a whole grant (its refresh tokens and every access token). Each
 * revocation notifies iop_access_tokens in its own transaction, so no process serves the token from its cache
 * afterwards (verified-token-cache.ts). Revoking a user's token for an app also forgets the consent they gave that app
 * (remembered-consent-removal.ts): the next EHR launch asks again.
 */
import type { Pool } from 'pg';
import { CHANNELS, notify } from '../store/cache-invalidation';
import { inPgTransaction } from '../store/pg-transaction';
import { forgetConsent } from './remembered-consent-removal';

interface RevokedRow {
  user_id: string | null;
  client_id: string;
}

export async function revokeGrant(db: Pool, grantId: string): Promise<void> {
  await inPgTransaction(db, async (tx) => {
    const refresh = await tx.client.query<RevokedRow>(
      'UPDATE auth_refresh_token SET revoked_at = now() WHERE grant_id = $1 AND revoked_at IS NULL RETURNING user_id, client_id', [grantId],
    );
    const access = await tx.client.query<RevokedRow>(
      'UPDATE auth_token SET revoked_at = now() WHERE grant_id = $1 AND revoked_at IS NULL RETURNING user_id, client_id', [grantId],
    );
    const holder = [...refresh.rows, ...access.rows].find((row) => row.user_id !== null);
    if (holder) await forgetConsent(tx.client, holder.user_id!, holder.client_id);
    await notify(tx, CHANNELS.accessTokens, `grant:${grantId}`);
  });
}

export async function revokeAccessToken(db: Pool, jti: string, clientId: string): Promise<boolean> {
  return inPgTransaction(db, async (tx) => {
    const result = await tx.client.query<RevokedRow>(
      'UPDATE auth_token SET revoked_at = now() WHERE jti = $1 AND client_id = $2 AND revoked_at IS NULL RETURNING user_id, client_id', [jti, clientId],
    );
    if (!result.rows[0]) return false;
    if (result.rows[0].user_id !== null) await forgetConsent(tx.client, result.rows[0].user_id, clientId);
    await notify(tx, CHANNELS.accessTokens, `jti:${jti}`);
    return true;
  });
}

/** Returns the grant of the refresh token when it belonged to this client (then the whole grant is revoked). */
export async function revokeRefreshToken(db: Pool, tokenHash: string, clientId: string): Promise<boolean> {
  const { rows } = await db.query<{ grant_id: string }>(
    'SELECT grant_id FROM auth_refresh_token WHERE token_hash = $1 AND client_id = $2', [tokenHash, clientId],
  );
  if (!rows[0]) return false;
  await revokeGrant(db, rows[0].grant_id);
  return true;
}
