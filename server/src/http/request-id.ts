/** Request ids: taken from X-Request-Id when a proxy set a sane one, else generated; echoed in the response. */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? 'unknown');
}
