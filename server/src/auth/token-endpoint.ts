/** POST /auth/token: authenticates the client, then runs one grant. Answers are never cached. */
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { AuditOutcome } from '../audit/audit-record';
import type { AuthServer } from './auth-server';
import { authenticateClient, AuthenticatedClient } from './client-authentication';
import { authorizationCodeGrant } from './grants/authorization-code-grant';
import { clientCredentialsGrant } from './grants/client-credentials-grant';
import { refreshTokenGrant } from './grants/refresh-token-grant';
import { clientIp, FormBody, noStore, readForm, sendOAuthError } from './oauth-http';
import { InvalidRequest, OAuthError, UnsupportedGrantType } from './oauth-errors';
import type { TokenResponse } from './token-issuer';

const GRANTS: Record<string, (server: AuthServer, caller: AuthenticatedClient, form: FormBody) => Promise<TokenResponse>> = {
  authorization_code: (server, caller, form) => authorizationCodeGrant(server.issuer, caller.client, form),
  refresh_token: (server, caller, form) => refreshTokenGrant(server.issuer, caller.client, form),
  client_credentials: (server, caller, form) => clientCredentialsGrant(server.issuer, caller, form),
};

export function tokenEndpoint(server: AuthServer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handleToken(server, req, res).catch(next);
  };
}

async function handleToken(server: AuthServer, req: Request, res: Response): Promise<void> {
  await server.ready();
  let form: FormBody = {};
  let caller: AuthenticatedClient | undefined;
  try {
    form = readForm(req);
    if (!form.grant_type) throw new InvalidRequest('grant_type is required');
    const grant = GRANTS[form.grant_type];
    if (!grant) throw new UnsupportedGrantType(`grant_type ${form.grant_type} is not supported`);
    caller = await authenticateClient(server.pool, server.settings, { authorization: req.headers.authorization, body: form });
    const response = await grant(server, caller, form);
    await auditToken(server, req, form, caller, '0', undefined, response);
    noStore(res);
    res.status(200).json(response);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    await auditToken(server, req, form, caller, '4', `${err.code}: ${err.description}`);
    sendOAuthError(res, err, req);
  }
}

/** The user a token was issued to (from the token we just signed), for the audit record. */
function issuedTo(response: TokenResponse | undefined): { userId?: string; fhirUser?: string } {
  if (!response) return {};
  const claims = jwt.decode(response.access_token) as jwt.JwtPayload | null;
  if (!claims || claims.sub === claims.client_id) return {};
  const fhirUser = typeof claims.fhirUser === 'string' ? claims.fhirUser.split('/').slice(-2).join('/') : undefined;
  return { userId: claims.sub, fhirUser };
}

async function auditToken(
  server: AuthServer, req: Request, form: FormBody, caller: AuthenticatedClient | undefined,
  outcome: AuditOutcome, description?: string, response?: TokenResponse,
): Promise<void> {
  // A refusal's event never turns the OAuth error into a 500 (audit/refusal-audit.ts); a grant's must be durable.
  await server.audit[outcome === '0' ? 'record' : 'recordRefusal']({
    kind: 'token',
    subtype: form.grant_type ?? 'unknown',
    action: 'E',
    outcome,
    outcomeDescription: description ?? (response ? `granted ${response.scope}` : undefined),
    agent: { clientId: caller?.client.clientId ?? form.client_id, ...issuedTo(response) },
    sourceIp: clientIp(req),
    patients: response?.patient ? [response.patient] : [],
    entities: [],
  });
}
