/**
 * POST /auth/revoke (RFC 7009): a client revokes one of its own tokens. Revoking an access token ends it;
 * revoking a refresh token ends the whole grant. Unknown tokens still answer 200, as the RFC requires.
 */
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { AuthServer } from './auth-server';
import { authenticateClient } from './client-authentication';
import { InvalidRequest, OAuthError } from './oauth-errors';
import { clientIp, noStore, readForm, sendOAuthError } from './oauth-http';
import { hashSecret } from './secrets';
import { revokeAccessToken, revokeRefreshToken } from './token-revocation';

export function revocationEndpoint(server: AuthServer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handleRevocation(server, req, res).catch(next);
  };
}

async function handleRevocation(server: AuthServer, req: Request, res: Response): Promise<void> {
  await server.ready();
  try {
    const { token, token_type_hint: hint, ...credentials } = readForm(req);
    const { client } = await authenticateClient(server.pool, server.settings, { authorization: req.headers.authorization, body: credentials });
    if (!token) throw new InvalidRequest('token is required');
    const revoked = await revoke(server, token, client.clientId, hint);
    await server.audit.record({
      kind: 'revoke', subtype: revoked ?? 'unknown-token', action: 'E', outcome: '0',
      agent: { clientId: client.clientId }, sourceIp: clientIp(req), patients: [], entities: [],
    });
    noStore(res);
    res.status(200).json({});
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    await server.audit.recordRefusal({
      kind: 'revoke', subtype: 'refused', action: 'E', outcome: '4', outcomeDescription: `${err.code}: ${err.description}`,
      agent: {}, sourceIp: clientIp(req), patients: [], entities: [],
    });
    sendOAuthError(res, err, req);
  }
}

async function revoke(server: AuthServer, token: string, clientId: string, hint: string | undefined): Promise<string | undefined> {
  const tryAccess = async () => {
    const jti = accessTokenJti(token);
    return jti !== undefined && (await revokeAccessToken(server.pool, jti, clientId)) ? 'access_token' : undefined;
  };
  const tryRefresh = async () => ((await revokeRefreshToken(server.pool, hashSecret(token), clientId)) ? 'refresh_token' : undefined);
  return hint === 'refresh_token' ? (await tryRefresh()) ?? (await tryAccess()) : (await tryAccess()) ?? (await tryRefresh());
}

/** The jti of an access token. Not verified: revocation only ever touches the authenticated caller's own tokens. */
function accessTokenJti(token: string): string | undefined {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string' || typeof decoded.payload.jti !== 'string') return undefined;
  return decoded.payload.jti;
}
