/** Who is making a FHIR request and what they may do: built once per request, passed in FhirContext.access. */
import type { AuditLog } from '../audit/audit-log';
import type { AuditRecord } from '../audit/audit-record';
import { AccessPolicy, ANONYMOUS_POLICY, FULL_ACCESS_POLICY } from './access-policy';

export interface Principal {
  clientId?: string;
  userId?: string;
  username?: string;
  /** The user's FHIR resource, e.g. Practitioner/123. */
  fhirUser?: string;
  /** The organisation a backend client acts for. */
  organization?: string;
  /** The purpose of use a backend token was issued for. */
  purpose?: string;
}

export interface AccessContext {
  principal: Principal;
  scopes: string[];
  policy: AccessPolicy;
  /** Launch context of the token. */
  patient?: string;
  encounter?: string;
  sourceIp?: string;
  /** The HTTP request's id (X-Request-Id), recorded in its AuditEvents. */
  requestId?: string;
  /** Where AuditEvents go; absent only for internal work that is audited by its caller. */
  audit?: AuditLog;
  /** Enforcement is on: missing scopes answer 401/403 (off only with AUTH=off). */
  enforced: boolean;
  /**
   * Inside a transaction Bundle: the entries' AuditEvents, written together in one statement just before the
   * transaction commits (fhir-access-guard.ts).
   */
  auditBuffer?: AuditRecord[];
}

export function anonymousAccess(audit: AuditLog, sourceIp: string | undefined): AccessContext {
  return { principal: {}, scopes: [], policy: ANONYMOUS_POLICY, sourceIp, audit, enforced: true };
}

/** AUTH=off: every request may do everything; it is still audited. */
export function unenforcedAccess(audit: AuditLog, sourceIp: string | undefined): AccessContext {
  return { principal: {}, scopes: [], policy: FULL_ACCESS_POLICY, sourceIp, audit, enforced: false };
}

/**
 * For trusted server-side work (jobs, operations acting on behalf of the system): full access. Callers that act
 * for a user must pass that user's AccessContext instead.
 */
export function systemAccess(audit?: AuditLog): AccessContext {
  return { principal: { clientId: 'iop-fhir-internal' }, scopes: [], policy: FULL_ACCESS_POLICY, audit, enforced: true };
}
