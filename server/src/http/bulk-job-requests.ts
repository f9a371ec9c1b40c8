/**
 * What the status, cancel and file endpoints of Bulk Data jobs (exports and imports) share: they run after the bearer
 * authentication, answer 401 without a token, and audit every request.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AccessContext } from '../auth/access-context';
import type { AuditRecord } from '../audit/audit-record';
import { FhirError, issue, outcome } from '../errors';

type Handler = (req: Request, res: Response, access: AccessContext) => Promise<void>;

export function route(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const access = res.locals.access as AccessContext | undefined;
    if (!access) {
      next(new Error('bulk job route reached without authentication'));
      return;
    }
    handler(req, res, access).catch(next);
  };
}

/** 401 unless the request carries a token: only the requester of a job may see it. */
export function requireAuthenticated(access: AccessContext, kind: 'export' | 'import'): void {
  if (access.policy.authenticated) return;
  throw new FhirError(401, outcome(issue('error', 'login', `Authentication required: send the access token that started the ${kind}`)), {
    'WWW-Authenticate': 'Bearer',
  });
}

export async function auditBulkRequest(subtype: 'bulk-export' | 'bulk-import', access: AccessContext, req: Request, action: AuditRecord['action'], patients: string[], description: string): Promise<void> {
  await access.audit?.record({
    kind: 'rest',
    subtype,
    action,
    outcome: '0',
    outcomeDescription: description,
    agent: { ...access.principal },
    sourceIp: access.sourceIp,
    patients,
    entities: [],
    query: `${req.method} ${req.originalUrl}`,
  });
}
