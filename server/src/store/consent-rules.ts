/**
 * Keeps part2_consent_rule in step with the stored Consents, inside each write's transaction (like index rows): a
 * Part 2 Consent's rules replace its previous ones, and a revoked, rejected, deleted or uninterpretable one leaves
 * none — so a revocation counts from the next statement on, in every server process. A Consent that cites Part 2 in
 * a shape the server cannot apply is refused (422) with one issue per element, as is making a revoked one active again.
 */
import type { Consent } from '@medplum/fhirtypes';
import { citesPart2, readPart2Consent } from '../domain/part2-consent';
import { FhirError, issue, outcome } from '../errors';
import type { Repository, StoredVersion } from './repository';
import { raw, sql } from './sql';

export async function storeConsentRules(tx: Repository, written: StoredVersion): Promise<void> {
  if (written.resourceType !== 'Consent') return;
  await tx.query(sql`DELETE FROM part2_consent_rule WHERE consent_res_id = ${written.resId}::bigint`);
  const consent = written.resource as Consent;
  if (written.deleted || !citesPart2(consent)) return;
  const read = readPart2Consent(consent);
  if (consent.status === 'active' && await wasWithdrawn(tx, written)) {
    read.problems.push({ expression: 'Consent.status', message: 'a revoked or rejected 42 CFR Part 2 consent cannot be made active again: the patient signs a new Consent' });
  }
  if (read.problems.length > 0) {
    throw new FhirError(422, outcome(...read.problems.map((p) => issue('error', 'invalid', p.message, [p.expression]))));
  }
  if (read.rules.length === 0 || !read.patientId) return;
  const texts = (column: string) => sql`ARRAY(SELECT jsonb_array_elements_text(r.${raw(column)}))`;
  await tx.query(sql`INSERT INTO part2_consent_rule (consent_res_id, consent_id, rule_no, patient_id, effect, recipients, purposes, period, classes, labels)
    SELECT ${written.resId}::bigint, ${written.id}, r.rule_no, ${read.patientId}, r.effect, ${texts('recipients')}, ${texts('purposes')},
           tstzrange(r.period_start, r.period_end, '[)'), ${texts('classes')}, ${texts('labels')}
      FROM jsonb_to_recordset(${JSON.stringify(read.rules.map((rule, i) => ({
        rule_no: i, effect: rule.effect, recipients: rule.recipients, purposes: rule.purposes,
        period_start: rule.start ?? null, period_end: rule.end ?? null, classes: rule.classes, labels: rule.labels,
      })))}::jsonb) AS r(rule_no int, effect text, recipients jsonb, purposes jsonb, period_start timestamptz, period_end timestamptz, classes jsonb, labels jsonb)`);
}

/** The previous version was revoked (inactive) or rejected. */
async function wasWithdrawn(tx: Repository, written: StoredVersion): Promise<boolean> {
  if (written.versionId === 1) return false;
  const [previous] = await tx.query<{ status: string | null }>(sql`SELECT content->>'status' AS status FROM resource_history
    WHERE res_id = ${written.resId}::bigint AND version_id = ${written.versionId - 1}`);
  return previous?.status === 'inactive' || previous?.status === 'rejected';
}
