/**
 * The ONE place errors become HTTP responses: FhirErrors keep their status and outcome; PostgreSQL errors map by
 * SQLSTATE; everything else is a 500 with the request id, and its details go only to the log.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirError, issue, outcome } from '../errors';

export interface MappedError {
  status: number;
  outcome: OperationOutcome;
  headers: Record<string, string>;
  /** Unexpected: log it with its stack. */
  internal: boolean;
}

export function mapError(err: unknown, requestId: string): MappedError {
  if (err instanceof FhirError) return { status: err.status, outcome: err.outcome, headers: err.headers, internal: false };
  const httpError = asHttpError(err);
  if (httpError) return { ...httpError, headers: {}, internal: false };
  const pgCode = (err as { code?: unknown })?.code;
  if (typeof pgCode === 'string' && /^[0-9A-Z]{5}$/.test(pgCode)) {
    const mapped = mapPostgresError(pgCode, requestId);
    if (mapped) return { ...mapped, headers: mapped.status === 503 ? RETRY : {}, internal: false };
  }
  if (isDatabaseUnavailable(err)) {
    return { status: 503, outcome: outcome(issue('error', 'transient', `The database is unavailable; retry shortly (request id ${requestId})`)), headers: RETRY, internal: false };
  }
  // A router that could not decode a path parameter (url-guard.ts refuses these first; this is the backstop).
  if (err instanceof URIError) return { status: 400, outcome: outcome(issue('error', 'invalid', 'Malformed percent-encoding in the URL')), headers: {}, internal: false };
  return {
    status: 500,
    outcome: outcome(issue('fatal', 'exception', `Internal server error (request id ${requestId})`)),
    headers: {},
    internal: true,
  };
}

function mapPostgresError(code: string, requestId: string): { status: number; outcome: OperationOutcome } | undefined {
  switch (code) {
    case '23505':
      return { status: 409, outcome: outcome(issue('error', 'duplicate', 'The resource was written concurrently by another request; retry')) };
    case '40001':
    case '40P01':
      return { status: 409, outcome: outcome(issue('error', 'conflict', 'Concurrent update conflict; retry the request')) };
    case '57014':
      return { status: 503, outcome: outcome(issue('error', 'timeout', `The query took too long and was cancelled (request id ${requestId})`)) };
    case '53300':
      return { status: 503, outcome: outcome(issue('error', 'transient', 'The database is busy; retry shortly')) };
    default:
      // Class 08 (connection exceptions) and 57P01–57P03 (shutting down, crashed, starting up): try again later.
      if (code.startsWith('08') || /^57P0[1-3]$/.test(code)) {
        return { status: 503, outcome: outcome(issue('error', 'transient', `The database is unavailable; retry shortly (request id ${requestId})`)) };
      }
      return undefined;
  }
}

const RETRY = { 'Retry-After': '5' };

/**
 * The database could not be reached or dropped the connection: refused, reset, timed out waiting for a pooled
 * connection (back-pressure when the database is slower than the offered load), or terminated mid-query.
 */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(e.code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /^(timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error)/.test(message);
}

/** Errors raised by body parsers (malformed JSON, too large, bad charset) carry an HTTP status. */
function asHttpError(err: unknown): { status: number; outcome: OperationOutcome } | undefined {
  const e = err as { status?: unknown; type?: unknown; expose?: unknown };
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500 || e.expose !== true) return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, outcome: outcome(issue('error', 'structure', 'Malformed JSON in the request body')) };
    case 'entity.too.large':
      return { status: 413, outcome: outcome(issue('error', 'too-costly', 'Request body is larger than the server accepts')) };
    case 'parameters.too.many':
      return { status: 413, outcome: outcome(issue('error', 'too-costly', 'More form parameters than the server accepts (1,000)')) };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, outcome: outcome(issue('error', 'not-supported', 'Unsupported request body encoding or charset')) };
    default:
      return { status: e.status, outcome: outcome(issue('error', 'invalid', 'Invalid request')) };
  }
}
