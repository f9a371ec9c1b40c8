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
  const rows = await repo.query<BasisRow>(sql`SELECT x_p2.patient_id, ${basisColumns(access)} FROM unnest(${patients}::text[]) AS x_p2(patient_id)`);
  return new Map(rows.map((row) => [row.patient_id, basisOf(row)]));
}

/**
 * The basis, patient by patient, of the Part 2 resources among `resources` (type and id): one statement that reads
 * whose Part 2 information each stored resource is and why the requester may see it. Resources that are not Part 2
 * information are left out.
 */
export async function part2BasisOfResources(
  repo: Repository, access: Part2Access, resources: { resourceType: string; id: string }[],
): Promise<{ reference: string; patientId: string; basis: Part2Basis }[]> {
  if (resources.length === 0 || access.kind === 'unrestricted') return [];
  const rows = await repo.query<BasisRow & { reference: string }>(sql`
    SELECT r.resource_type || '/' || r.id AS reference, x_p2.patient_id, ${basisColumns(access)}
      FROM resource r JOIN unnest(${resources.map((r) => r.resourceType)}::text[], ${resources.map((r) => r.id)}::text[]) AS want(resource_type, id)
        ON r.resource_type = want.resource_type AND r.id = want.id
      CROSS JOIN LATERAL unnest(r.part2_patients) AS x_p2(patient_id)`);
  return rows.map((row) => ({ reference: row.reference, patientId: row.patient_id, basis: basisOf(row) }));
}

interface BasisRow {
  patient_id: string;
  own: boolean;
  program: boolean;
  emergency: boolean;
  consent_id: string | null;
}

/** The basis columns for the patient `x_p2.patient_id` of the statement. */
function basisColumns(access: Extract<Part2Access, { kind: 'restricted' }>) {
  return sql`x_p2.patient_id = ANY(${access.ownPatients}::text[]) AS own,
    ${access.programIds.length ? enrolledInProgram('x', access.programIds) : sql`false`} AS program,
    ${access.emergencyUser ? emergencyAccess('x', access.emergencyUser) : sql`false`} AS emergency,
    (SELECT c.consent_id FROM part2_consent_rule c
      WHERE c.patient_id = x_p2.patient_id AND c.effect = 'permit' AND c.recipients && ${access.recipients}::text[]
        AND c.purposes && ${access.purposes}::text[] AND c.period @> now()
      ORDER BY c.consent_res_id DESC LIMIT 1) AS consent_id`;
}

function basisOf(row: { own: boolean; program: boolean; emergency: boolean; consent_id: string | null }): Part2Basis {
  if (row.own) return { kind: 'own' };
  if (row.program) return { kind: 'program' };
  if (row.consent_id) return { kind: 'consent', consentId: row.consent_id };
  if (row.emergency) return { kind: 'emergency' };
  return { kind: 'none' };
}
