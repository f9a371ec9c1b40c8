/** The patients a signed-in user may pick at a standalone launch (launch/patient), through the access filter. */
import { normalizeString } from '../search/normalize';
import { accessFilter } from '../store/access-filter';
import { sql, Sql } from '../store/sql';
import { compileAccessPolicy, UserReach } from './access-policy';
import type { Db } from './db';
import type { PatientChoice } from './pages';

const MAX_CHOICES = 50;

export async function patientChoices(db: Db, reach: UserReach, nameSearch: string): Promise<PatientChoice[]> {
  const policy = compileAccessPolicy({ scopes: ['user/Patient.rs'], backend: false, userReach: reach, admin: reach.kind === 'admin' });
  const conditions: Sql[] = [sql`r.resource_type = 'Patient'`, sql`NOT r.deleted`, accessFilter(policy, 'r', 'r', 'Patient')];
  const name = normalizeString(nameSearch.trim());
  if (name) {
    conditions.push(sql`EXISTS (SELECT 1 FROM idx_string s WHERE s.res_id = r.res_id AND s.param = 'name' AND s.value_norm LIKE ${`${name.replace(/[\\%_]/g, '\\$&')}%`})`);
  }
  const where = conditions.reduce((acc, c) => sql`${acc} AND ${c}`);
  const { text, values } = sql`SELECT r.id, r.content FROM resource r WHERE ${where} ORDER BY r.content->'name'->0->>'family', r.id LIMIT ${MAX_CHOICES}`.toQuery();
  const { rows } = await db.query<{ id: string; content: PatientContent }>(text, values);
  return rows.map((row) => ({ id: row.id, label: patientLabel(row.content, row.id) }));
}

interface PatientContent {
  name?: { text?: string; family?: string; given?: string[] }[];
  birthDate?: string;
}

/** "Ana Rivera, born Mar 15, 1980": how a person is named on our pages (never by reference or ISO date). */
export function patientDisplayName(content: PatientContent | undefined): string {
  const name = content?.name?.[0];
  const text = name?.text ?? [...(name?.given ?? []), name?.family].filter(Boolean).join(' ');
  return `${text || 'Unnamed patient'}${content?.birthDate ? `, born ${formatBirthDate(content.birthDate)}` : ''}`;
}

/** A birth date as a calendar date in words; a partial date (year, year-month) as it is. */
function formatBirthDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
}

/** The picker's label: the name, and the id staff may need to tell two namesakes apart. */
export function patientLabel(content: PatientContent | undefined, id: string): string {
  return `${patientDisplayName(content)} — Patient/${id}`;
}

export async function patientDisplayNameById(db: Db, id: string): Promise<string> {
  const { rows } = await db.query<{ content: PatientContent }>(`SELECT content FROM resource WHERE resource_type = 'Patient' AND id = $1`, [id]);
  return patientDisplayName(rows[0]?.content);
}
