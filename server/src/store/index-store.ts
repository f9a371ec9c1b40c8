/**
 * The search-index rows of one resource as data-modifying statements (for WITH … clauses), so the repository can
 * write a resource, its history row and all its index rows in one round trip. All statements of one WITH share a
 * snapshot, so deleting the old rows and inserting the new ones in the same statement is safe. Long texts are
 * written in their bounded index form (index-keys.ts), which the search side computes the same way.
 */
import { indexKey, indexPrefix } from './index-keys';
import { IndexRows } from './index-rows';
import { join, raw, Sql, sql } from './sql';

export const INDEX_TABLES = ['idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri', 'idx_reference', 'idx_present'];

/** DELETE statements removing every index row of the resource whose res_id is `resId`. */
export function deleteIndexRowsStatements(resId: Sql): Sql[] {
  return INDEX_TABLES.map((table) => sql`DELETE FROM ${raw(table)} WHERE res_id = ${resId}`);
}

/** One statement removing every index row of many resources (reindexing, bulk loads). */
export function deleteIndexRowsBatchSql(resIds: string[]): Sql {
  const deletes = INDEX_TABLES.map((table, i) => sql`d${raw(String(i))} AS (DELETE FROM ${raw(table)} WHERE res_id = ANY(${resIds}::bigint[]))`);
  return sql`WITH ${join(deletes, ', ')} SELECT 1`;
}

/** One column of an unnest(): the values of one field of every row, cast to the column's array type. */
interface Column<T> {
  name: string;
  cast: string;
  pick: (row: T) => unknown;
}

const grp = { name: 'grp', cast: 'integer[]', pick: (r: { grp?: number }) => r.grp ?? null };
const text = <T>(name: string, pick: (row: T) => unknown): Column<T> => ({ name, cast: 'text[]', pick });
const numeric = <T>(name: string, pick: (row: T) => unknown): Column<T> => ({ name, cast: 'numeric[]', pick });
const instant = <T>(name: string, pick: (row: T) => unknown): Column<T> => ({ name, cast: 'timestamptz[]', pick });

type Rows = IndexRows;
const COLUMNS: { [K in Exclude<keyof Rows, 'present'>]: { table: string; columns: Column<Rows[K][number]>[] } } = {
  string: { table: 'idx_string', columns: [text('param', (r) => r.param), text('value_norm', (r) => indexPrefix(r.valueNorm)), text('value_exact', (r) => r.valueExact), grp] },
  token: {
    table: 'idx_token',
    columns: [text('param', (r) => r.param), text('system', (r) => indexKey(r.system)), text('code', (r) => indexKey(r.code)), text('text_norm', (r) => r.textNorm), grp],
  },
  date: { table: 'idx_date', columns: [text('param', (r) => r.param), instant('low', (r) => r.low), instant('high', (r) => r.high), grp] },
  number: { table: 'idx_number', columns: [text('param', (r) => r.param), numeric('value', (r) => r.value), numeric('low', (r) => r.low), numeric('high', (r) => r.high), grp] },
  quantity: {
    table: 'idx_quantity',
    columns: [text('param', (r) => r.param), text('system', (r) => indexKey(r.system)), text('code', (r) => indexKey(r.code)), text('unit', (r) => indexKey(r.unit)),
      numeric('value', (r) => r.value), numeric('low', (r) => r.low), numeric('high', (r) => r.high), grp],
  },
  uri: { table: 'idx_uri', columns: [text('param', (r) => r.param), text('value', (r) => indexKey(r.value)), grp] },
  reference: {
    table: 'idx_reference',
    columns: [text('param', (r) => r.param), text('target_type', (r) => indexKey(r.targetType)), text('target_id', (r) => indexKey(r.targetId)),
      text('target_url', (r) => indexKey(r.targetUrl)), grp],
  },
};

/** INSERT … SELECT FROM unnest(…) statements, one per non-empty table; `resId` is a SQL expression (e.g. a CTE). */
export function insertIndexRowsStatements(resId: Sql, resourceType: string, rows: IndexRows): Sql[] {
  return indexTableInserts([{ resourceType, rows }], false, (arrays) => sql`SELECT ${resId}, ${resourceType}, * FROM unnest(${arrays})`, () => []);
}

export interface IndexedResource {
  resId: string;
  resourceType: string;
  rows: IndexRows;
}

/** One statement inserting the index rows of many resources: one unnest per table, as data-modifying CTEs. */
export function insertIndexRowsBatchSql(items: IndexedResource[]): Sql | undefined {
  const inserts = indexTableInserts(items, false, (arrays) => sql`SELECT * FROM unnest(${arrays})`,
    (owners) => [sql`${owners.map((o) => o.resId)}::bigint[]`, sql`${owners.map((o) => o.resourceType)}::text[]`]);
  if (inserts.length === 0) return undefined;
  return sql`WITH ${join(inserts.map((insert, i) => sql`i${raw(String(i))} AS (${insert})`), ', ')} SELECT 1`;
}

export interface NewResourceIndex {
  resourceType: string;
  id: string;
  rows: IndexRows;
}

/**
 * The index rows of resources being inserted in the same WITH, found by (resource_type, id) in the CTE `written`,
 * which must return res_id, resource_type and id. Every table gets its INSERT, empty or not, so the text of the
 * statement does not depend on the data (it can stay prepared).
 */
export function insertIndexRowsOfWrittenStatements(items: NewResourceIndex[]): Sql[] {
  return indexTableInserts(items, true,
    (arrays, names) => sql`SELECT w.res_id, w.resource_type, ${raw(names.map((n) => `u.${n}`).join(', '))}
      FROM unnest(${arrays}) AS u(owner_type, owner_id, ${raw(names.join(', '))}) JOIN written w ON w.resource_type = u.owner_type AND w.id = u.owner_id`,
    (owners) => [sql`${owners.map((o) => o.resourceType)}::text[]`, sql`${owners.map((o) => o.id)}::text[]`]);
}

/**
 * One INSERT per index table for the rows of many resources. `owner` gives the leading unnest arrays that say whose
 * each row is (none when `select` names the owner itself); `select` turns the unnest arguments (owner arrays, then one array per column) into the SELECT.
 */
function indexTableInserts<T extends { resourceType: string; rows: IndexRows }>(items: T[], everyTable: boolean,
  select: (arrays: Sql, names: string[]) => Sql, owner: (owners: T[]) => Sql[]): Sql[] {
  const inserts: Sql[] = [];
  for (const key of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    const { table, columns } = COLUMNS[key] as { table: string; columns: Column<{ grp?: number }>[] };
    const owners: T[] = [];
    const list: { grp?: number }[] = [];
    for (const item of items) {
      for (const row of item.rows[key] as { grp?: number }[]) {
        owners.push(item);
        list.push(row);
      }
    }
    if (list.length === 0 && !everyTable) continue;
    const names = columns.map((c) => c.name);
    const arrays = join([...owner(owners), ...columns.map((c) => sql`${list.map(c.pick)}::${raw(c.cast)}`)], ', ');
    inserts.push(sql`INSERT INTO ${raw(table)} (res_id, resource_type, ${raw(names.join(', '))}) ${select(arrays, names)}`);
  }
  const present = items.flatMap((item) => [...new Set(item.rows.present)].map((param) => ({ item, param })));
  if (present.length > 0 || everyTable) {
    const arrays = join([...owner(present.map((p) => p.item)), sql`${present.map((p) => p.param)}::text[]`], ', ');
    inserts.push(sql`INSERT INTO idx_present (res_id, resource_type, param) ${select(arrays, ['param'])}`);
  }
  return inserts;
}
