/**
 * Forgetting remembered consent (auth_consent_grant, see remembered-consent.ts): revoking a user's tokens for an app,
 * or disabling the user or the app, takes back what they approved, so the next EHR launch shows the consent page again.
 * Each function runs on the caller's connection, inside the transaction that revokes or disables.
 */
import type { Db } from './db';

export async function forgetConsent(db: Db, userId: string, clientId: string): Promise<void> {
  await db.query('DELETE FROM auth_consent_grant WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
}

export async function forgetConsentsForClient(db: Db, clientId: string): Promise<void> {
  await db.query('DELETE FROM auth_consent_grant WHERE client_id = $1', [clientId]);
}

export async function forgetConsentsOfUser(db: Db, userId: string): Promise<void> {
  await db.query('DELETE FROM auth_consent_grant WHERE user_id = $1', [userId]);
}
