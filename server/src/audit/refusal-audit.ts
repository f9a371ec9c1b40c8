/**
 * Every refused request leaves an AuditEvent, including those refused before a token was verified (a malformed URL,
 * a bad body, an unknown path, a bad token, a throttled login). Refusals audited where they happen are marked, and
 * the one error handler (app.ts) records the rest. Recording a refusal never changes its answer: nothing was
 * disclosed, so a slow or failing audit write is logged and the 4xx goes out.
 */
import type { Request, Response } from 'express';
import type { AccessContext } from '../auth/access-context';
import type { AuditOutcome, AuditRecord } from './audit-record';

const audited = new WeakSet<object>();

/** Marks an error whose refusal has already been recorded, so the error handler does not record it again. */
export function markAudited<T>(err: T): T {
  if (typeof err === 'object' && err !== null) audited.add(err);
  return err;
}

export function wasAudited(err: unknown): boolean {
  return typeof err === 'object' && err !== null && audited.has(err);
}

export function outcomeOfStatus(status: number): AuditOutcome {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

/** The event for a request the error handler answers with `status`: whoever the token said, if one was verified. */
export function refusalRecord(req: Request, res: Response, status: number, description: string): AuditRecord {
  const access = res.locals.access as AccessContext | undefined;
  const line = `${req.method} ${req.originalUrl}`;
  return {
    kind: req.path.startsWith('/auth') || req.path.startsWith('/admin') ? (req.path.startsWith('/admin') ? 'admin' : 'authorize') : 'rest',
    subtype: 'refused',
    action: 'E',
    outcome: outcomeOfStatus(status),
    outcomeDescription: `${status}: ${description}`,
    agent: access ? { ...access.principal } : {},
    sourceIp: access?.sourceIp ?? req.ip ?? req.socket.remoteAddress ?? undefined,
    patients: [],
    entities: [],
    query: line.length > 2000 ? `${line.slice(0, 2000)}…` : line,
    requestId: String(res.locals.requestId ?? ''),
  };
}
