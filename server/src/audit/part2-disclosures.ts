/**
 * What goes with a 42 CFR Part 2 disclosure (docs/part2.md): every Part 2 resource a response sends outside the
 * program carries the refrain label NORDSCLCD in the copy sent, the response carries the §2.32 notice (a header on
 * every response, and an OperationOutcome entry in search and $everything Bundles), and each disclosure is written
 * to the accounting of disclosures (part2_disclosure) that `Patient/{id}/$disclosures` reads — in the same statement
 * as the request's AuditEvent (audit-log.ts), so it costs no round trip of its own and commits with it. Records the requester
 * sees as the patient or as the program's own staff are not disclosures and are left as stored.
 */
import type { Bundle, BundleEntry, OperationOutcome, Parameters, Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../auth/access-context';
import type { Part2Access } from '../auth/access-policy';
import { carriesPart2Label, withDisclosureLabel } from '../domain/part2-labelling';
import type { FhirResponse } from '../fhir/types';
import type { Repository } from '../store/repository';
import { part2BasisOfResources, type Part2Basis } from '../store/part2-basis';
import { join, Sql, sql } from '../store/sql';

type RestrictedPart2Access = Extract<Part2Access, { kind: 'restricted' }>;

/** §2.32(a)(2), the abbreviated statement: sent as a header with every response that discloses Part 2 records. */
export const PART2_NOTICE_SHORT = '42 CFR part 2 prohibits unauthorized use or disclosure of these records.';
/** §2.32(a)(1), the full statement: in Bundles, as an OperationOutcome entry, and in $export manifests. */
export const PART2_NOTICE_FULL = 'This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). '
  + 'These rules prohibit you from using or disclosing this record, or testimony that describes the information contained in this record, '
  + 'in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local authority, against the patient, '
  + 'unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance '
  + 'with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or disclosure of this record unless '
  + 'at least one of the following applies: (i) further use or disclosure is expressly permitted by the written consent of the individual '
  + 'whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2; (ii) you are a covered entity or '
  + 'business associate and have received the record for treatment, payment, or health care operations; or (iii) you have received the '
  + 'record from a covered entity or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for '
  + 'the release of medical or other information is NOT sufficient to meet the required elements of written consent to further use or '
  + 'redisclose the record (see 42 CFR 2.31).';
export const PART2_NOTICE_HEADER = 'X-42CFR-Part2-Notice';

export interface DisclosureRequest {
  /** The request line, e.g. `GET Claim?patient=1`. */
  request: string;
}

/** The resources a response carries: the body, a Bundle's entries, a Parameters' resources. */
function resourcesIn(body: Resource | undefined): Resource[] {
  if (!body) return [];
  if (body.resourceType === 'Bundle') return ((body as Bundle).entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);
  if (body.resourceType === 'Parameters') return ((body as Parameters).parameter ?? []).flatMap((p) => [p.resource, ...(p.part ?? []).map((x) => x.resource)]).filter((r): r is Resource => !!r);
  return [body];
}

/**
 * Labels the copies and adds the notice of one response, and says what it disclosed (the caller records that with the
 * request's AuditEvent, in the same statement and commit). A response with no Part 2 resource, or to an
 * administrator or the server itself, is returned unchanged.
 */
export async function discloseResponse(
  repo: Repository, access: AccessContext, response: FhirResponse, request: DisclosureRequest,
): Promise<{ response: FhirResponse; disclosures: DisclosureRecord[] }> {
  const unchanged = { response, disclosures: [] };
  if (access.policy.part2.kind === 'unrestricted' || response.status >= 300) return unchanged;
  const labelled = resourcesIn(response.body).filter((r) => r.id && carriesPart2Label(r));
  if (labelled.length === 0) return unchanged;
  const key = (r: { resourceType: string; id?: string }) => `${r.resourceType}/${r.id}`;
  let disclosed: Set<string>;
  let disclosures: DisclosureRecord[];
  const part2 = access.policy.part2;
  if (onlyByConsent(part2)) {
    // The filter let each of these rows through for no reason but a consent: all of them are disclosed, and the
    // audit statement itself names the patients and consents (no round trip of its own).
    disclosed = new Set(labelled.map(key));
    disclosures = [consentDisclosure(access, part2, [...disclosed], request.request)];
  } else {
    const bases = await part2BasisOfResources(repo, part2, labelled.map((r) => ({ resourceType: r.resourceType, id: r.id! })));
    const outside = bases.filter((b) => b.basis.kind === 'consent' || b.basis.kind === 'emergency');
    if (outside.length === 0) return unchanged;
    disclosed = new Set(outside.map((b) => b.reference));
    disclosures = disclosureRecords(access, outside, request.request);
  }
  const relabel = (r: Resource | undefined) => (r && disclosed.has(key(r)) ? withDisclosureLabel(r) : r);
  const headers = { ...(response.headers ?? {}), [PART2_NOTICE_HEADER]: PART2_NOTICE_SHORT };
  const body = response.body!;
  if (body.resourceType === 'Bundle') {
    const bundle = body as Bundle;
    const entries: BundleEntry[] = (bundle.entry ?? []).map((e) => (e.resource ? { ...e, resource: relabel(e.resource) } : e));
    if (bundle.type === 'searchset') entries.push({ resource: noticeOutcome(), search: { mode: 'outcome' } });
    return { response: { ...response, headers, body: { ...bundle, entry: entries } }, disclosures };
  }
  if (body.resourceType === 'Parameters') {
    const parameters = body as Parameters;
    const parameter = (parameters.parameter ?? []).map((p) => ({ ...p, resource: relabel(p.resource), ...(p.part ? { part: p.part.map((x) => ({ ...x, resource: relabel(x.resource) })) } : {}) }));
    return { response: { ...response, headers, body: { ...parameters, parameter: parameter.map(withoutUndefinedResource) } }, disclosures };
  }
  return { response: { ...response, headers, body: relabel(body) }, disclosures };
}

function withoutUndefinedResource<T extends { resource?: Resource }>(p: T): T {
  if (p.resource === undefined) delete p.resource;
  return p;
}

export function noticeOutcome(): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: PART2_NOTICE_FULL, details: { text: PART2_NOTICE_FULL } }] };
}

/**
 * A requester that is neither the patient, nor staff of a Part 2 program, nor in an emergency sees Part 2 rows only
 * under a consent (store/part2-filter.ts): whatever it is sent is a disclosure.
 */
function onlyByConsent(part2: Part2Access): part2 is RestrictedPart2Access {
  return part2.kind === 'restricted' && part2.ownPatients.length === 0 && part2.programIds.length === 0 && !part2.emergencyUser;
}

/**
 * Disclosures under consent of a response's resources, for the accounting: which patients they belong to, and which
 * of their consents permitted it, are read from the stored rows by the statement that writes the accounting.
 */
export interface ConsentDisclosure {
  kind: 'consent-lookup';
  recipient: string;
  clientId?: string;
  username?: string;
  purpose: string;
  recipients: string[];
  purposes: string[];
  resources: string[];
  request: string;
}

function consentDisclosure(access: AccessContext, part2: RestrictedPart2Access, resources: string[], request: string): ConsentDisclosure {
  const { principal } = access;
  return {
    kind: 'consent-lookup', recipient: recipientOf(access), clientId: principal.clientId, username: principal.username,
    purpose: part2.purposes[0] ?? 'unknown', recipients: part2.recipients, purposes: part2.purposes, resources, request,
  };
}

function recipientOf({ principal }: AccessContext): string {
  return principal.organization ?? principal.fhirUser ?? `client:${principal.clientId ?? 'unknown'}`;
}

/** One patient's entry in the accounting of disclosures (part2_disclosure), written with the request's AuditEvent. */
export type DisclosureRecord = PatientDisclosure | ConsentDisclosure;

export interface PatientDisclosure {
  kind?: undefined;
  patientId: string;
  recipient: string;
  clientId?: string;
  username?: string;
  purpose: string;
  basis: 'consent' | 'emergency';
  consentId?: string;
  resources: string[];
  request: string;
}

/** Per patient: what was disclosed to this requester, and on which basis. */
export function disclosureRecords(access: AccessContext, disclosed: { reference: string; patientId: string; basis: Part2Basis }[], request: string): PatientDisclosure[] {
  const { principal } = access;
  const recipient = recipientOf(access);
  const purpose = access.policy.part2.kind === 'restricted' ? access.policy.part2.purposes[0] ?? 'unknown' : 'unknown';
  const byPatient = new Map<string, PatientDisclosure>();
  for (const { reference, patientId, basis } of disclosed) {
    if (basis.kind !== 'consent' && basis.kind !== 'emergency') continue;
    const record = byPatient.get(patientId) ?? {
      patientId, recipient, clientId: principal.clientId, username: principal.username, purpose: basis.kind === 'emergency' ? 'ETREAT' : purpose,
      basis: basis.kind, consentId: basis.kind === 'consent' ? basis.consentId : undefined, resources: [], request,
    };
    if (!record.resources.includes(reference)) record.resources.push(reference);
    byPatient.set(patientId, record);
  }
  return [...byPatient.values()];
}

/** part2_disclosure rows as an INSERT (for the audit writer's statement, or a page of an export). */
export function insertDisclosuresSql(records: DisclosureRecord[]): Sql {
  const byPatient = records.filter((r): r is PatientDisclosure => r.kind === undefined);
  const byConsent = records.filter((r): r is ConsentDisclosure => r.kind === 'consent-lookup');
  const selects = [
    ...(byPatient.length ? [patientDisclosureRows(byPatient)] : []),
    ...(byConsent.length ? [consentDisclosureRows(byConsent)] : []),
  ];
  return sql`INSERT INTO part2_disclosure (patient_id, recipient, client_id, username, purpose, basis, consent_id, resources, request)
    ${join(selects, ' UNION ALL ')}`;
}

function patientDisclosureRows(records: PatientDisclosure[]): Sql {
  return sql`SELECT d.patient_id, d.recipient, d.client_id, d.username, d.purpose, d.basis, d.consent_id, d.resources, d.request
      FROM jsonb_to_recordset(${JSON.stringify(records.map((r) => ({
        patient_id: r.patientId, recipient: r.recipient, client_id: r.clientId ?? null, username: r.username ?? null, purpose: r.purpose,
        basis: r.basis, consent_id: r.consentId ?? null, resources: r.resources, request: r.request,
      })))}::jsonb) AS d(patient_id text, recipient text, client_id text, username text, purpose text, basis text, consent_id text, resources text[], request text)`;
}

/** Per disclosure and patient of its stored rows: the patient's newest consent that permits the recipient and purpose now. */
function consentDisclosureRows(records: ConsentDisclosure[]): Sql {
  return sql`SELECT x.patient_id, d.recipient, d.client_id, d.username, d.purpose, 'consent',
           (SELECT c.consent_id FROM part2_consent_rule c
             WHERE c.patient_id = x.patient_id AND c.effect = 'permit' AND c.recipients && d.recipients AND c.purposes && d.purposes
               AND c.period @> now()
             ORDER BY c.consent_res_id DESC LIMIT 1),
           array_agg(want.reference ORDER BY want.position), d.request
      FROM jsonb_to_recordset(${JSON.stringify(records.map((r, n) => ({
        n, recipient: r.recipient, client_id: r.clientId ?? null, username: r.username ?? null, purpose: r.purpose,
        recipients: r.recipients, purposes: r.purposes, resources: r.resources, request: r.request,
      })))}::jsonb) AS d(n int, recipient text, client_id text, username text, purpose text, recipients text[], purposes text[], resources text[], request text)
      CROSS JOIN LATERAL unnest(d.resources) WITH ORDINALITY AS want(reference, position)
      JOIN resource r ON r.resource_type = split_part(want.reference, '/', 1) AND r.id = split_part(want.reference, '/', 2)
      CROSS JOIN LATERAL unnest(r.part2_patients) AS x(patient_id)
     GROUP BY d.n, x.patient_id, d.recipient, d.client_id, d.username, d.purpose, d.recipients, d.purposes, d.request`;
}
