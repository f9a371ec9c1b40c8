/** Issues the single-use authorization code (stored as a hash, valid ≤ 60 s) at the end of the browser flow. */
import { randomUUID } from 'node:crypto';
import type { AuthSettings } from './auth-settings';
import type { AuthorizationRequest } from './authorization-requests';
import type { Db } from './db';
import { hashSecret, newSecret } from './secrets';

export async function issueAuthorizationCode(db: Db, settings: AuthSettings, request: AuthorizationRequest, scopes: string[]): Promise<string> {
  const code = newSecret();
  await db.query(
    `INSERT INTO auth_code (code_hash, client_id, redirect_uri, scope, user_id, patient, encounter, fhir_context, ehr_launch, nonce,
       code_challenge, grant_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now() + make_interval(secs => $13))`,
    [hashSecret(code), request.clientId, request.redirectUri, scopes.join(' '), request.userId, request.patient ?? null,
      request.encounter ?? null, JSON.stringify(request.fhirContext), request.ehrLaunch, request.nonce ?? null, request.codeChallenge,
      randomUUID(), Math.min(settings.codeSeconds, 60)],
  );
  return code;
}

/** The app's redirect URI (its own query kept) with our parameters added. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}
