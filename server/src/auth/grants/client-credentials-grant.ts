/** grant_type=client_credentials (SMART Backend Services): system/ scopes for a client that signed an assertion. */
import type { AuthenticatedClient } from '../client-authentication';
import { NO_LAUNCH_CONTEXT } from '../launch-context';
import { InvalidScope, UnauthorizedClient } from '../oauth-errors';
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
  });
}
