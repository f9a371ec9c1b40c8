/**
 * Remembered consent for our own first-party apps (smart-apps/, registered at every start): what a user approved on
 * the consent page is kept per app, and an EHR launch of that app asking for nothing beyond it goes straight to the
 * app instead of asking again. Third-party apps, standalone launches and any scope not yet approved always ask.
 */
import type { AuthorizationRequest } from './authorization-requests';
import { isFirstPartyApp } from './builtin-clients';
import type { Db } from './db';
import { splitScopes } from './scopes';

/** Adds the scopes just approved to what the user has granted this app. */
export async function rememberConsent(db: Db, userId: string, clientId: string, granted: string[]): Promise<void> {
  const { rows } = await db.query<{ scope: string }>('SELECT scope FROM auth_consent_grant WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
  const union = [...new Set([...splitScopes(rows[0]?.scope ?? ''), ...granted])].sort().join(' ');
  await db.query(
    `INSERT INTO auth_consent_grant (user_id, client_id, scope) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, client_id) DO UPDATE SET scope = EXCLUDED.scope, granted_at = now()`,
    [userId, clientId, union],
  );
}

/** The scopes to grant without asking, or undefined when the consent page must be shown. */
export async function rememberedGrant(db: Db, request: AuthorizationRequest): Promise<string[] | undefined> {
  if (!request.ehrLaunch || !request.userId || !isFirstPartyApp(request.clientId)) return undefined;
  const { rows } = await db.query<{ scope: string }>('SELECT scope FROM auth_consent_grant WHERE user_id = $1 AND client_id = $2', [request.userId, request.clientId]);
  if (rows.length === 0) return undefined;
  const granted = new Set(splitScopes(rows[0].scope));
  const asked = request.scopes.filter((s) => s !== 'launch');
  if (!asked.every((scope) => granted.has(scope))) return undefined;
  return request.scopes;
}
