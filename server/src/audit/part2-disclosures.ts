/**
 * What goes with a 42 CFR Part 2 disclosure (docs/part2.md): every Part 2 resource a response sends outside the
 * program carries the refrain label NORDSCLCD in the copy sent, the response carries the §2.32 notice (a header on
 * every response, and an OperationOutcome entry in search and $everything Bundles), and each disclosure is written
 * to the accounting of disclosures (part2_disclosure) that `Patient/{id}/$disclosures` reads. Records the requester
 * sees as the patient or as the program's own staff are not disclosures and are left as stored.
 */
import type { Bundle, BundleEntry, OperationOutcome, Parameters, Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../auth/access-context';
import { carriesPart2Label, withDisclosureLabel } from '../domain/part2-labelling';
import type { FhirResponse } from '../fhir/types';
import type { Repository } from '../store/repository';
import { part2BasisOf, type Part2Basis } from '../store/part2-basis';
import { sql } from '../store/sql';

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
 * Labels the copies, adds the notice and records the disclosures of one response. A response with no Part 2
 * resource, or to an administrator or the server itself, is returned unchanged.
 */
export async function discloseResponse(repo: Repository, access: AccessContext, response: FhirResponse, request: DisclosureRequest): Promise<FhirResponse> {
  if (access.policy.part2.kind === 'unrestricted' || response.status >= 300) return response;
  const labelled = resourcesIn(response.body).filter((r) => r.id && carriesPart2Label(r));
  if (labelled.length === 0) return response;
  const disclosed = await disclosedResources(repo, access, labelled);
  if (disclosed.size === 0) return response;
  await recordDisclosures(repo, access, disclosed, request);
  const key = (r: Resource) => `${r.resourceType}/${r.id}`;
  const relabel = (r: Resource | undefined) => (r && disclosed.has(key(r)) ? withDisclosureLabel(r) : r);
  const headers = { ...(response.headers ?? {}), [PART2_NOTICE_HEADER]: PART2_NOTICE_SHORT };
  const body = response.body!;
  if (body.resourceType === 'Bundle') {
    const bundle = body as Bundle;
    const entries: BundleEntry[] = (bundle.entry ?? []).map((e) => (e.resource ? { ...e, resource: relabel(e.resource) } : e));
    if (bundle.type === 'searchset') entries.push({ resource: noticeOutcome(), search: { mode: 'outcome' } });
    return { ...response, headers, body: { ...bundle, entry: entries } };
  }
  if (body.resourceType === 'Parameters') {
    const parameters = body as Parameters;
    const parameter = (parameters.parameter ?? []).map((p) => ({ ...p, resource: relabel(p.resource), ...(p.part ? { part: p.part.map((x) => ({ ...x, resource: relabel(x.resource) })) } : {}) }));
    return { ...response, headers, body: { ...parameters, parameter: parameter.map(withoutUndefinedResource) } };
  }
  return { ...response, headers, body: relabel(body) };
}

function withoutUndefinedResource<T extends { resource?: Resource }>(p: T): T {
  if (p.resource === undefined) delete p.resource;
  return p;
}

export function noticeOutcome(): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: PART2_NOTICE_FULL, details: { text: PART2_NOTICE_FULL } }] };
}

interface Disclosed {
  patients: string[];
  basis: Map<string, Part2Basis>;
}

/** The Part 2 resources of the response that leave the program for this requester, with the basis per patient. */
async function disclosedResources(repo: Repository, access: AccessContext, labelled: Resource[]): Promise<Map<string, Disclosed>> {
  const rows = await repo.query<{ resource_type: string; id: string; part2_patients: string[] | null }>(sql`
    SELECT r.resource_type, r.id, r.part2_patients FROM resource r
      JOIN unnest(${labelled.map((r) => r.resourceType)}::text[], ${labelled.map((r) => r.id!)}::text[]) AS want(resource_type, id)
        ON r.resource_type = want.resource_type AND r.id = want.id`);
  const patients = [...new Set(rows.flatMap((r) => r.part2_patients ?? []))];
  const basis = await part2BasisOf(repo, access.policy.part2, patients);
  const disclosed = new Map<string, Disclosed>();
  for (const row of rows) {
    const own = (row.part2_patients ?? []).map((p) => [p, basis.get(p)] as const);
    const outside = own.filter(([, b]) => b && (b.kind === 'consent' || b.kind === 'emergency'));
    if (outside.length === 0) continue;
    disclosed.set(`${row.resource_type}/${row.id}`, { patients: outside.map(([p]) => p), basis: new Map(outside.map(([p, b]) => [p, b!])) });
  }
  return disclosed;
}

async function recordDisclosures(repo: Repository, access: AccessContext, disclosed: Map<string, Disclosed>, request: DisclosureRequest): Promise<void> {
  const perPatient = new Map<string, { basis: Part2Basis; resources: string[] }>();
  for (const [ref, item] of disclosed) {
    for (const patient of item.patients) {
      const entry = perPatient.get(patient) ?? { basis: item.basis.get(patient)!, resources: [] };
      entry.resources.push(ref);
      perPatient.set(patient, entry);
    }
  }
  const { principal } = access;
  const recipient = principal.organization ?? principal.fhirUser ?? `client:${principal.clientId ?? 'unknown'}`;
  const purpose = access.policy.part2.kind === 'restricted' ? access.policy.part2.purposes[0] ?? 'unknown' : 'unknown';
  const rows = [...perPatient.entries()].map(([patient, { basis, resources }]) => ({
    patient_id: patient, basis: basis.kind, consent_id: basis.kind === 'consent' ? basis.consentId : null,
    purpose: basis.kind === 'emergency' ? 'ETREAT' : purpose, resources,
  }));
  await repo.query(sql`INSERT INTO part2_disclosure (patient_id, recipient, client_id, username, purpose, basis, consent_id, resources, request)
    SELECT d.patient_id, ${recipient}, ${principal.clientId ?? null}, ${principal.username ?? null}, d.purpose, d.basis, d.consent_id,
           ARRAY(SELECT jsonb_array_elements_text(d.resources)), ${request.request}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS d(patient_id text, basis text, consent_id text, purpose text, resources jsonb)`);
}
