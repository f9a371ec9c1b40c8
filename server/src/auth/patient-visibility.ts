/** Whether a practitioner may open one patient: the same SQL access filter as everything else, for one row. */
import { accessFilter } from '../store/access-filter';
import { sql } from '../store/sql';
import { compileAccessPolicy, UserReach } from './access-policy';
import type { Db } from './db';

export async function visiblePatient(db: Db, reach: UserReach, patientId: string): Promise<boolean> {
  const policy = compileAccessPolicy({ scopes: ['user/Patient.r'], backend: false, userReach: reach, admin: reach.kind === 'admin' });
  const { text, values } = sql`SELECT 1 FROM resource r WHERE r.resource_type = 'Patient' AND r.id = ${patientId} AND NOT r.deleted
    AND ${accessFilter(policy, 'r', 'r', 'Patient')}`.toQuery();
  return ((await db.query(text, values)).rowCount ?? 0) > 0;
}
