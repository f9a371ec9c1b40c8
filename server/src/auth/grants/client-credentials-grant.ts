/** grant_type=client_credentials (SMART Backend Services): system/ scopes for a client that signed an assertion. */
import type { AuthenticatedClient } from '../client-authentication';
import { NO_LAUNCH_CONTEXT } from '../launch-context';
import { InvalidGrant, InvalidScope, UnauthorizedClient } from '../oauth-errors';
import { purposeCode } from '../../domain/purpose-of-use';
import { parseResourceScopes, permittedScopes, splitScopes } from '../scopes';
import { issueTokens, TokenIssuer, TokenResponse } from '../token-issuer';

export async function clientCredentialsGrant(issuer: TokenIssuer, caller: AuthenticatedClient, body: Record<string, string | undefined>): Promise<TokenResponse> {
  const { client } = caller;
  if (client.type !== 'backend') throw new UnauthorizedClient('only backend service clients may use client_credentials');
  if (caller.method !== 'private_key_jwt') throw new UnauthorizedClient('backend services authenticate with private_key_jwt');
  const requested = body.scope !== undefined ? splitScopes(body.scope) : client.allowedScopes;
  if (requested.length === 0) throw new InvalidScope('scope is required');
  const systemScopes = requested.filter((s) => parseResourceScopes([s])[0]?.level === 'system');
  const granted = permittedScopes(systemScopes, client.allowedScopes);
  if (granted.length === 0) throw new InvalidScope(`none of the requested scopes is allowed for this client (allowed: ${client.allowedScopes.join(' ')})`);
  return issueTokens(issuer, {
    client,
    scopes: granted,
    context: NO_LAUNCH_CONTEXT,
    lifetimeSeconds: issuer.settings.backendTokenSeconds,
    userFacing: false,
    purpose: purposeOfRequest(caller),
  });
}

/**
 * The purpose of use the token is for: the one the client assertion claims in the UDAP B2B authorization extension
 * (`extensions.hl7-b2b.purpose_of_use`), which must be registered for the client; otherwise the first registered.
 */
function purposeOfRequest(caller: AuthenticatedClient): string | undefined {
  const b2b = (caller.assertionClaims?.extensions as Record<string, unknown> | undefined)?.['hl7-b2b'] as Record<string, unknown> | undefined;
  const claimed = b2b?.purpose_of_use;
  if (claimed === undefined) return caller.client.purposes[0];
  const values = Array.isArray(claimed) ? claimed : [claimed];
  if (values.length !== 1) throw new InvalidGrant('extensions.hl7-b2b.purpose_of_use must name exactly one purpose of use');
  const code = purposeCode(values[0]);
  if (!code) throw new InvalidGrant(`extensions.hl7-b2b.purpose_of_use ${JSON.stringify(values[0])} is not a v3 PurposeOfUse code`);
  if (!caller.client.purposes.includes(code)) {
    throw new InvalidGrant(`purpose of use ${code} is not registered for this client (registered: ${caller.client.purposes.join(', ') || 'none'})`);
  }
  return code;
}
