/**
 * Bearer authentication for /fhir: turns the Authorization header into an AccessContext (res.locals.access).
 * No header → anonymous (the route guard then answers 401, except for metadata). A bad token → 401 with
 * WWW-Authenticate, except on metadata and discovery, which stay open.
 */
import type { NextFunction, Request, Response } from 'express';
import { markAudited } from '../audit/refusal-audit';
import { FhirError, issue, outcome } from '../errors';
import { AccessContext, anonymousAccess, unenforcedAccess } from './access-context';
import { compileAccessPolicy } from './access-policy';
import { InvalidToken, verifyAccessToken, VerifiedToken } from './access-token';
import type { AuthServer } from './auth-server';
import { clientIp } from './oauth-http';
import { part2AccessOf } from './part2-requester';
import { loadUserReach } from './user-reach';
import { cachedAccess, rememberAccess, tokenCacheStamp } from './verified-token-cache';

const OPEN_PATHS = /^\/(metadata|\.well-known\/.*)$/;

export function fhirAuthentication(server: AuthServer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    authenticate(server, req).then((access) => {
      res.locals.access = access;
      next();
    }, next);
  };
}

async function authenticate(server: AuthServer, req: Request): Promise<AccessContext> {
  const ip = clientIp(req);
  if (!server.settings.enforce) return unenforcedAccess(server.audit, ip);
  const header = req.headers.authorization;
  const open = OPEN_PATHS.test(req.path);
  if (!header) return anonymousAccess(server.audit, ip);
  try {
    if (!/^bearer /i.test(header)) throw new InvalidToken('the Authorization header must be a Bearer token');
    return await accessFromToken(server, await verifyAccessToken(server, header.slice(7).trim()), ip);
  } catch (err) {
    if (!(err instanceof InvalidToken)) throw err;
    if (open) return anonymousAccess(server.audit, ip);
    await server.audit.recordRefusal({
      kind: 'token', subtype: 'bearer', action: 'E', outcome: '4', outcomeDescription: err.description,
      agent: {}, sourceIp: ip, patients: [], entities: [], query: `${req.method} ${req.originalUrl}`,
    });
    throw markAudited(invalidTokenError(server, err.description));
  }
}

export async function accessFromToken(server: AuthServer, token: VerifiedToken, sourceIp?: string): Promise<AccessContext> {
  const cached = cachedAccess(token);
  if (cached) return { ...cached, sourceIp, audit: server.audit, enforced: true };
  const stamp = tokenCacheStamp();
  const admin = token.userIsAdmin || (token.clientIsAdmin && !token.userId);
  const userReach = token.userId ? await loadUserReach(server.pool, token.fhirUser, token.userIsAdmin, token.jti) : undefined;
  const part2 = part2AccessOf({
    admin, backend: !token.userId, fhirUser: token.fhirUser, userReach, clientOrganization: token.clientOrganization, purpose: token.purpose,
  });
  const policy = compileAccessPolicy({
    scopes: token.scopes, patient: token.patient, backend: !token.userId, userReach, admin, part2, owner: { clientId: token.clientId, userId: token.userId },
  });
  const access = {
    principal: { clientId: token.clientId, userId: token.userId, username: token.username, fhirUser: token.fhirUser, organization: token.clientOrganization, purpose: token.purpose },
    scopes: token.scopes,
    policy,
    patient: token.patient,
    encounter: token.encounter,
  };
  rememberAccess(token, access, stamp);
  return { ...access, sourceIp, audit: server.audit, enforced: true };
}

export function invalidTokenError(server: AuthServer, description: string): FhirError {
  const challenge = `Bearer realm="${server.settings.fhirBase}", error="invalid_token", error_description="${description.replace(/"/g, "'")}"`;
  return new FhirError(401, outcome(issue('error', 'login', description)), { 'WWW-Authenticate': challenge });
}
