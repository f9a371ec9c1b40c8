/**
 * Why a requester may see a patient's Part 2 information, patient by patient: as the patient, as staff of a Part 2
 * program the patient is enrolled in (no disclosure), under a consent (which one), or in an emergency (§2.51). The
 * access filter has already decided what is visible; this names the basis for the accounting of disclosures.
 */
import type { Part2Access } from '../auth/access-policy';
import type { Repository } from './repository';
import { emergencyAccess, enrolledInProgram } from './part2-filter';
import { sql } from './sql';

export type Part2Basis = { kind: 'own' } | { kind: 'program' } | { kind: 'consent'; consentId: string } | { kind: 'emergency' } | { kind: 'none' };

export async function part2BasisOf(repo: Repository, access: Part2Access, patients: string[]): Promise<Map<string, Part2Basis>> {
  if (patients.length === 0 || access.kind === 'unrestricted') return new Map();
  const rows = await repo.query<{ patient_id: string; own: boolean; program: boolean; emergency: boolean; consent_id: string | null }>(sql`
    SELECT x_p2.patient_id,
           x_p2.patient_id = ANY(${access.ownPatients}::text[]) AS own,
           ${access.programIds.length ? enrolledInProgram('x', access.programIds) : sql`false`} AS program,
           ${access.emergencyUser ? emergencyAccess('x', access.emergencyUser) : sql`false`} AS emergency,
           (SELECT c.consent_id FROM part2_consent_rule c
             WHERE c.patient_id = x_p2.patient_id AND c.effect = 'permit' AND c.recipients && ${access.recipients}::text[]
               AND c.purposes && ${access.purposes}::text[] AND c.period @> now()
             ORDER BY c.consent_res_id DESC LIMIT 1) AS consent_id
      FROM unnest(${patients}::text[]) AS x_p2(patient_id)`);
  return new Map(rows.map((row) => [row.patient_id, basisOf(row)]));
}

function basisOf(row: { own: boolean; program: boolean; emergency: boolean; consent_id: string | null }): Part2Basis {
  if (row.own) return { kind: 'own' };
  if (row.program) return { kind: 'program' };
  if (row.consent_id) return { kind: 'consent', consentId: row.consent_id };
  if (row.emergency) return { kind: 'emergency' };
  return { kind: 'none' };
}
