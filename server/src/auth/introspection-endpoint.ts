/**
 * POST /auth/introspect (RFC 7662): whether a token is active, with its scope, client, user and launch context.
 * Callers may authenticate as a client or with a bearer token; an inactive token answers only {active:false}.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AuthServer } from './auth-server';
import { InvalidToken, verifyAccessToken } from './access-token';
import { authenticateClient } from './client-authentication';
import { InvalidClient, InvalidRequest, OAuthError } from './oauth-errors';
import { clientIp, FormBody, noStore, readForm, sendOAuthError } from './oauth-http';
import { hashSecret } from './secrets';

export function introspectionEndpoint(server: AuthServer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handleIntrospection(server, req, res).catch(next);
  };
}

async function handleIntrospection(server: AuthServer, req: Request, res: Response): Promise<void> {
  await server.ready();
  try {
    const form = readForm(req);
    const caller = await authenticateCaller(server, req, form);
    if (!form.token) throw new InvalidRequest('token is required');
    const answer = await introspect(server, form.token, form.token_type_hint);
    await server.audit.record({
      kind: 'introspect', subtype: answer.active ? 'active' : 'inactive', action: 'E', outcome: '0',
      agent: { clientId: caller }, sourceIp: clientIp(req),
      patients: typeof answer.patient === 'string' ? [answer.patient] : [], entities: [],
    });
    noStore(res);
    res.status(200).json(answer);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    await server.audit.recordRefusal({
      kind: 'introspect', subtype: 'refused', action: 'E', outcome: '4', outcomeDescription: `${err.code}: ${err.description}`,
      agent: {}, sourceIp: clientIp(req), patients: [], entities: [],
    });
    sendOAuthError(res, err, req);
  }
}

/** A Bearer token (any active one) or client credentials, if the caller sent any; anonymous otherwise. */
async function authenticateCaller(server: AuthServer, req: Request, form: FormBody): Promise<string | undefined> {
  const authorization = req.headers.authorization;
  if (authorization && /^bearer /i.test(authorization)) {
    try {
      return (await verifyAccessToken(server, authorization.slice(7).trim())).clientId;
    } catch (err) {
      if (err instanceof InvalidToken) throw new InvalidClient('the bearer token of the caller is not valid');
      throw err;
    }
  }
  if (authorization || form.client_assertion || form.client_secret) {
    const { token: _token, token_type_hint: _hint, ...credentials } = form;
    return (await authenticateClient(server.pool, server.settings, { authorization, body: credentials })).client.clientId;
  }
  return undefined;
}

async function introspect(server: AuthServer, token: string, hint: string | undefined): Promise<Record<string, unknown>> {
  if (hint !== 'refresh_token') {
    const access = await introspectAccessToken(server, token);
    if (access) return access;
  }
  return (await introspectRefreshToken(server, token)) ?? { active: false };
}

async function introspectAccessToken(server: AuthServer, token: string): Promise<Record<string, unknown> | undefined> {
  try {
    const t = await verifyAccessToken(server, token);
    return {
      active: true,
      token_type: 'Bearer',
      scope: t.scopes.join(' '),
      client_id: t.clientId,
      sub: t.subject,
      iss: server.settings.issuer,
      aud: server.settings.fhirBase,
      exp: t.expiresAt,
      iat: t.issuedAt,
      ...(t.username ? { username: t.username } : {}),
      ...(t.fhirUser ? { fhirUser: `${server.settings.fhirBase}/${t.fhirUser}` } : {}),
      ...(t.patient ? { patient: t.patient } : {}),
      ...(t.encounter ? { encounter: t.encounter } : {}),
      ...(t.fhirContext.length ? { fhirContext: t.fhirContext } : {}),
    };
  } catch (err) {
    if (err instanceof InvalidToken) return undefined;
    throw err;
  }
}

async function introspectRefreshToken(server: AuthServer, token: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await server.pool.query<{ client_id: string; scope: string; user_id: string | null; exp: string; patient: string | null; encounter: string | null }>(
    `SELECT client_id, scope, user_id, extract(epoch FROM expires_at)::bigint AS exp, patient, encounter FROM auth_refresh_token
      WHERE token_hash = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
    [hashSecret(token)],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    active: true, token_type: 'refresh_token', scope: row.scope, client_id: row.client_id, exp: Number(row.exp),
    ...(row.user_id ? { sub: row.user_id } : {}), ...(row.patient ? { patient: row.patient } : {}), ...(row.encounter ? { encounter: row.encounter } : {}),
  };
}
