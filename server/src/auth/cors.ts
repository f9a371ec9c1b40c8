/**
 * CORS for browser SMART apps on another origin: discovery, metadata, the token endpoints and the FHIR API.
 * Bearer tokens (not cookies) carry the credentials, so any origin may call; preflights are answered here.
 */
import type { NextFunction, Request, Response } from 'express';

const EXPOSED = ['Location', 'Content-Location', 'ETag', 'Last-Modified', 'WWW-Authenticate', 'X-Request-Id', 'Retry-After', 'X-Progress', 'Link'];
const ALLOWED_HEADERS = [
  'Authorization', 'Content-Type', 'Accept', 'Prefer', 'If-Match', 'If-None-Match', 'If-Modified-Since', 'If-None-Exist', 'X-Request-Id',
];

export function cors(req: Request, res: Response, next: NextFunction): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.append('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED.join(', '));
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) {
    next();
    return;
  }
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  const requested = req.headers['access-control-request-headers'];
  res.setHeader('Access-Control-Allow-Headers', requested ?? ALLOWED_HEADERS.join(', '));
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
}
