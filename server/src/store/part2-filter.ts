/**
 * 42 CFR Part 2 as SQL: a condition on one `resource` or `resource_history` row (by alias) that is true when the row
 * is not Part 2 information, or when the requester may see the Part 2 information of every patient it belongs to.
 * access-filter.ts ANDs it into every access filter, so read, search (matches, includes, chains, _has, totals),
 * history, $everything and $export all withhold the same rows. Consents, program enrolments and emergency accesses
 * are read in the same statement, so a revocation counts from the next statement on, in every process. A row that is
 * Part 2 information of nobody we can name is withheld from everyone outside the program (fail closed).
 */
import type { Part2Access } from '../auth/access-policy';
import { join, raw, Sql, sql } from './sql';

export function part2Condition(access: Part2Access, alias: string): Sql | true {
  if (access.kind === 'unrestricted') return true;
  const a = raw(alias);
  const p = raw(`${alias}_p2`);
  const permitted = [
    ...(access.ownPatients.length ? [sql`${p}.patient_id = ANY(${access.ownPatients}::text[])`] : []),
    ...(access.programIds.length ? [enrolledInProgram(alias, access.programIds)] : []),
    ...(access.emergencyUser ? [emergencyAccess(alias, access.emergencyUser)] : []),
    ...(access.recipients.length && access.purposes.length ? [consented(alias, access.recipients, access.purposes)] : []),
  ];
  if (permitted.length === 0) return sql`${a}.part2_patients IS NULL`;
  return sql`(${a}.part2_patients IS NULL OR (cardinality(${a}.part2_patients) > 0 AND NOT EXISTS (
      SELECT 1 FROM unnest(${a}.part2_patients) AS ${p}(patient_id) WHERE NOT (${join(permitted, ' OR ')}))))`;
}

/** The patient has (had) an EpisodeOfCare in one of the requester's Part 2 programs: inside the program, no disclosure. */
export function enrolledInProgram(alias: string, programIds: string[]): Sql {
  const p = raw(`${alias}_p2`);
  const ep = raw(`${alias}_p2e`);
  const pr = raw(`${alias}_p2r`);
  return sql`EXISTS (SELECT 1 FROM idx_reference ${ep} JOIN idx_reference ${pr} ON ${pr}.res_id = ${ep}.res_id
      WHERE ${ep}.target_id = ${p}.patient_id AND ${ep}.target_type = 'Patient' AND ${ep}.param = 'patient' AND ${ep}.resource_type = 'EpisodeOfCare'
        AND ${pr}.param = 'program' AND ${pr}.target_type = 'HealthcareService' AND ${pr}.target_id = ANY(${programIds}::text[]))`;
}

/** §2.51: the user broke the glass for this patient and the access has not expired. */
export function emergencyAccess(alias: string, user: string): Sql {
  const p = raw(`${alias}_p2`);
  return sql`EXISTS (SELECT 1 FROM part2_break_glass ${raw(`${alias}_p2b`)}
      WHERE ${raw(`${alias}_p2b`)}.fhir_user = ${user} AND ${raw(`${alias}_p2b`)}.patient_id = ${p}.patient_id
        AND ${raw(`${alias}_p2b`)}.expires_at > now())`;
}

/**
 * An active Part 2 Consent of the patient permits one of the recipients for one of the purposes now, for this
 * row's type and labels, and none of that Consent's deny provisions takes it back.
 */
function consented(alias: string, recipients: string[], purposes: string[]): Sql {
  const a = raw(alias);
  const p = raw(`${alias}_p2`);
  const c = raw(`${alias}_p2c`);
  const d = raw(`${alias}_p2d`);
  const labels = sql`ARRAY(SELECT ${raw(`${alias}_p2l`)}->>'code' FROM jsonb_array_elements(coalesce(${a}.content->'meta'->'security', '[]'::jsonb)) ${raw(`${alias}_p2l`)})`;
  const who = sql`${recipients}::text[]`;
  const why = sql`${purposes}::text[]`;
  return sql`EXISTS (SELECT 1 FROM part2_consent_rule ${c}
      WHERE ${c}.patient_id = ${p}.patient_id AND ${c}.effect = 'permit' AND ${c}.recipients && ${who} AND ${c}.purposes && ${why}
        AND ${c}.period @> now() AND (${c}.classes = '{}' OR ${a}.resource_type = ANY(${c}.classes))
        AND (${c}.labels = '{}' OR ${labels} && ${c}.labels)
        AND NOT EXISTS (SELECT 1 FROM part2_consent_rule ${d}
          WHERE ${d}.consent_res_id = ${c}.consent_res_id AND ${d}.effect = 'deny'
            AND (${d}.recipients = '{}' OR ${d}.recipients && ${who}) AND (${d}.purposes = '{}' OR ${d}.purposes && ${why})
            AND ${d}.period @> now() AND (${d}.classes = '{}' OR ${a}.resource_type = ANY(${d}.classes))
            AND (${d}.labels = '{}' OR ${labels} && ${d}.labels)))`;
}
