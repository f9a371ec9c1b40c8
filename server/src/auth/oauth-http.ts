/** HTTP plumbing shared by the OAuth endpoints: form bodies, no-store headers, and the RFC error response. */
import type { Request, Response } from 'express';
import { InvalidClient, InvalidRequest, OAuthError, oauthErrorBody } from './oauth-errors';

export type FormBody = Record<string, string | undefined>;

/** The form parameters of an OAuth request; repeating a parameter is an error (RFC 6749 §3.1). */
export function readForm(req: Request): FormBody {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const form: FormBody = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new InvalidRequest(`parameter ${key} must appear once`);
    // PostgreSQL cannot store or compare NUL: refuse it here, naming the parameter, before any lookup.
    if (key.includes('\0') || value.includes('\0')) throw new InvalidRequest(`parameter ${key.replace(/\0/g, '')} contains a NUL character`);
    form[key] = value;
  }
  return form;
}

export function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

export function sendOAuthError(res: Response, err: OAuthError, req: Request): void {
  noStore(res);
  if (err instanceof InvalidClient && /^basic /i.test(req.headers.authorization ?? '')) {
    res.setHeader('WWW-Authenticate', 'Basic realm="iop-fhir", charset="UTF-8"');
  }
  res.status(err.status).json(oauthErrorBody(err));
}

export function clientIp(req: Request): string | undefined {
  return req.ip ?? req.socket.remoteAddress ?? undefined;
}
