/**
 * First check on every request, before any router decodes the URL: each path segment must be valid
 * percent-encoded UTF-8 (`%zz`, a lone `%`, `%FF%FE` and overlong forms such as `%C0%AF` are refused) and neither the
 * path nor a query parameter may decode to NUL, which PostgreSQL cannot hold. Refusals are 400 OperationOutcomes.
 */
import type { NextFunction, Request, Response } from 'express';
import { badRequest } from '../errors';
import { quote } from '../fhir/request-text';

export function checkRequestUrl(req: Request, _res: Response, next: NextFunction): void {
  const url = req.url;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  for (const segment of path.split('/')) {
    if (!segment.includes('%')) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return next(badRequest(`Malformed percent-encoding in the URL path segment ${quote(segment)}`));
    }
    if (decoded.includes('\0')) return next(badRequest(`The URL path segment ${quote(segment)} contains a NUL character (%00)`));
  }
  if (queryAt >= 0 && /%00/.test(url.slice(queryAt))) {
    for (const [name, value] of new URLSearchParams(url.slice(queryAt + 1))) {
      if (name.includes('\0') || value.includes('\0')) return next(badRequest(`Query parameter ${quote(name)} contains a NUL character (%00)`, [name.replace(/\0/g, '')]));
    }
  }
  next();
}
