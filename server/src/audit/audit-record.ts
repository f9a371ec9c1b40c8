/** What one audited action is, as plain data; audit-event.ts turns it into the AuditEvent resource. */
import type { DisclosureRecord } from './part2-disclosures';

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';
/** AuditEvent.outcome: 0 success, 4 minor failure (e.g. refused request), 8 serious failure, 12 major failure. */
export type AuditOutcome = '0' | '4' | '8' | '12';

export interface AuditAgent {
  /** The user's FHIR resource (Practitioner/1) when they have one. */
  fhirUser?: string;
  userId?: string;
  username?: string;
  clientId?: string;
}

export interface AuditRecord {
  /** `rest` for FHIR interactions, `login` / `token` / `authorize` / `launch` / `admin` for authorization events. */
  kind: 'rest' | 'login' | 'authorize' | 'token' | 'introspect' | 'revoke' | 'launch' | 'admin' | 'emergency-access';
  /** The FHIR interaction (read, search-type, …) or the authorization step (password, authorization_code, …). */
  subtype: string;
  action: AuditAction;
  outcome: AuditOutcome;
  outcomeDescription?: string;
  agent: AuditAgent;
  sourceIp?: string;
  /** Patient ids the action concerned. */
  patients: string[];
  /** Resources touched (relative references). */
  entities: string[];
  /** The request line, e.g. `GET Observation?patient=123&code=…`. */
  query?: string;
  requestId?: string;
  /** The purpose of use the access was made for (v3 ActReason), e.g. ETREAT for an emergency access. */
  purposeOfUse?: string;
  /** 42 CFR Part 2 records this access disclosed outside the program: written with the event, in its statement. */
  disclosures?: DisclosureRecord[];
}
