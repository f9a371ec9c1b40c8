/** grant_type=authorization_code: a single-use code, the same redirect_uri, and the PKCE verifier. */
import type { Client } from '../clients';
import { cleanFhirContext } from '../launch-context';
import { InvalidGrant, InvalidRequest } from '../oauth-errors';
import { checkCodeVerifier } from '../pkce';
import { hashSecret } from '../secrets';
import { issueTokens, TokenIssuer, TokenResponse } from '../token-issuer';
import { revokeGrant } from '../token-revocation';
import { findUserById } from '../users';

interface CodeRow {
  client_id: string;
  redirect_uri: string;
  scope: string;
  user_id: string;
  patient: string | null;
  encounter: string | null;
  fhir_context: unknown;
  ehr_launch: boolean;
  nonce: string | null;
  code_challenge: string;
  grant_id: string;
}

export async function authorizationCodeGrant(issuer: TokenIssuer, client: Client, body: Record<string, string | undefined>): Promise<TokenResponse> {
  if (!body.code) throw new InvalidRequest('code is required');
  if (!body.redirect_uri) throw new InvalidRequest('redirect_uri is required');
  const code = await consumeCode(issuer, body.code);
  if (code.client_id !== client.clientId) throw new InvalidGrant('the code was issued to another client');
  if (code.redirect_uri !== body.redirect_uri) throw new InvalidGrant('redirect_uri differs from the authorization request');
  checkCodeVerifier(body.code_verifier, code.code_challenge);
  const user = await findUserById(issuer.db, code.user_id);
  if (!user || user.disabled) throw new InvalidGrant('the user of this code is no longer active');
  return issueTokens(issuer, {
    client,
    scopes: code.scope.split(' ').filter(Boolean),
    userId: user.userId,
    username: user.username,
    fhirUser: user.fhirUser,
    context: { patient: code.patient ?? undefined, encounter: code.encounter ?? undefined, fhirContext: cleanFhirContext(code.fhir_context), ehrLaunch: code.ehr_launch },
    nonce: code.nonce ?? undefined,
    grantId: code.grant_id,
    lifetimeSeconds: issuer.settings.accessTokenSeconds,
    userFacing: true,
  });
}

/**
 * Consumes the code atomically: only one request can flip consumed_at. A code presented again was intercepted
 * or replayed, so the tokens already issued for it are revoked (RFC 6749 §4.1.2).
 */
async function consumeCode(issuer: TokenIssuer, code: string): Promise<CodeRow> {
  const codeHash = hashSecret(code);
  const { rows } = await issuer.db.query<CodeRow>(
    `UPDATE auth_code SET consumed_at = now() WHERE code_hash = $1 AND consumed_at IS NULL AND expires_at > now()
     RETURNING client_id, redirect_uri, scope, user_id, patient, encounter, fhir_context, ehr_launch, nonce, code_challenge, grant_id`,
    [codeHash],
  );
  if (rows[0]) return rows[0];
  const { rows: used } = await issuer.db.query<{ grant_id: string }>(
    'SELECT grant_id FROM auth_code WHERE code_hash = $1 AND consumed_at IS NOT NULL', [codeHash],
  );
  if (used[0]) await revokeGrant(issuer.db, used[0].grant_id);
  throw new InvalidGrant('the code is invalid, expired or already used');
}
