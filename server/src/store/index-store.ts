/**
 * The search-index rows of one resource as data-modifying statements (for WITH … clauses), so the repository can
 * write a resource, its history row and all its index rows in one round trip. All statements of one WITH share a
 * snapshot, so deleting the old rows and inserting the new ones in the same statement is safe.
 */
import { IndexRows } from './index-rows';
import { raw, Sql, sql } from './sql';

const INDEX_TABLES = ['idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri', 'idx_reference', 'idx_present'];

/** DELETE statements removing every index row of the resource whose res_id is `resId`. */
export function deleteIndexRowsStatements(resId: Sql): Sql[] {
  return INDEX_TABLES.map((table) => sql`DELETE FROM ${raw(table)} WHERE res_id = ${resId}`);
}

/** INSERT … SELECT FROM unnest(…) statements, one per non-empty table; `resId` is a SQL expression (e.g. a CTE). */
export function insertIndexRowsStatements(resId: Sql, resourceType: string, rows: IndexRows): Sql[] {
  const inserts: Sql[] = [];
  const add = (table: string, columns: string, arrays: Sql, count: number) => {
    if (count > 0) {
      inserts.push(sql`INSERT INTO ${raw(table)} (res_id, resource_type, ${raw(columns)})
        SELECT ${resId}, ${resourceType}, * FROM unnest(${arrays})`);
    }
  };
  const col = <T>(list: T[], pick: (row: T) => unknown) => list.map(pick);
  add('idx_string', 'param, value_norm, value_exact',
    sql`${col(rows.string, (r) => r.param)}::text[], ${col(rows.string, (r) => r.valueNorm)}::text[], ${col(rows.string, (r) => r.valueExact)}::text[]`,
    rows.string.length);
  add('idx_token', 'param, system, code, text_norm',
    sql`${col(rows.token, (r) => r.param)}::text[], ${col(rows.token, (r) => r.system)}::text[], ${col(rows.token, (r) => r.code)}::text[], ${col(rows.token, (r) => r.textNorm)}::text[]`,
    rows.token.length);
  add('idx_date', 'param, low, high',
    sql`${col(rows.date, (r) => r.param)}::text[], ${col(rows.date, (r) => r.low)}::timestamptz[], ${col(rows.date, (r) => r.high)}::timestamptz[]`,
    rows.date.length);
  add('idx_number', 'param, value, low, high',
    sql`${col(rows.number, (r) => r.param)}::text[], ${col(rows.number, (r) => r.value)}::numeric[], ${col(rows.number, (r) => r.low)}::numeric[], ${col(rows.number, (r) => r.high)}::numeric[]`,
    rows.number.length);
  add('idx_quantity', 'param, system, code, value, low, high',
    sql`${col(rows.quantity, (r) => r.param)}::text[], ${col(rows.quantity, (r) => r.system)}::text[], ${col(rows.quantity, (r) => r.code)}::text[], ${col(rows.quantity, (r) => r.value)}::numeric[], ${col(rows.quantity, (r) => r.low)}::numeric[], ${col(rows.quantity, (r) => r.high)}::numeric[]`,
    rows.quantity.length);
  add('idx_uri', 'param, value', sql`${col(rows.uri, (r) => r.param)}::text[], ${col(rows.uri, (r) => r.value)}::text[]`, rows.uri.length);
  add('idx_reference', 'param, target_type, target_id, target_url',
    sql`${col(rows.reference, (r) => r.param)}::text[], ${col(rows.reference, (r) => r.targetType)}::text[], ${col(rows.reference, (r) => r.targetId)}::text[], ${col(rows.reference, (r) => r.targetUrl)}::text[]`,
    rows.reference.length);
  const present = [...new Set(rows.present)];
  add('idx_present', 'param', sql`${present}::text[]`, present.length);
  return inserts;
}
