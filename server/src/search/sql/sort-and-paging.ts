/**
 * _sort and keyset paging. Each sort key is a scalar per resource (ascending uses a parameter's lowest value,
 * descending its highest; resources without a value come last), and r.res_id breaks ties. A page starts strictly
 * after (or, for `previous`, before) the keys of the row that ended the last page, so rows inserted or deleted
 * meanwhile never shift a page: nothing is skipped or repeated, unlike OFFSET.
 */
import { badRequest } from '../../errors';
import { join, raw, Sql, sql } from '../../store/sql';
import { isDecimal, lookupParam } from '../parse-filter';
import type { SearchRequest, SortRule } from '../search-request';
import { col, orOf, Scope, typeCondition } from './context';

type KeyKind = 'text' | 'timestamptz' | 'numeric';

export interface SortKey {
  rule: SortRule;
  expr: Sql;
  kind: KeyKind;
  /** Read straight from the resource row (so an index on the row can give the order). */
  onRow: boolean;
}

export interface Cursor {
  /** The boundary row's key values, as text; null = no value. */
  values: (string | null)[];
  resId: string;
  direction: 'next' | 'previous';
}

const ROW_COLUMNS = 'r.res_id, r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.content';

export function sortKeys(request: SearchRequest, scope: Scope): SortKey[] {
  return request.sort.map((rule) => sortKey(rule, scope));
}

function sortKey(rule: SortRule, scope: Scope): SortKey {
  const r = scope.alias;
  if (rule.code === '_id') return { rule, expr: col(r, 'id'), kind: 'text', onRow: true };
  if (rule.code === '_lastUpdated') return { rule, expr: col(r, 'last_updated'), kind: 'timestamptz', onRow: true };
  const param = lookupParam(scope.types, rule.code);
  if (!param) throw badRequest(`Cannot sort by unknown parameter ${rule.code}`);
  const aggregate = rule.descending ? 'max' : 'min';
  // `value` is an expression over the index row `x`, written here
  const scalar = (table: string, value: string, kind: KeyKind): SortKey => ({
    rule,
    kind,
    onRow: false,
    expr: sql`(SELECT ${raw(aggregate)}(${raw(value)}) FROM ${raw(table)} x
      WHERE x.res_id = ${col(r, 'res_id')} AND ${typeCondition('x', scope.types)} AND x.param = ${rule.code})`,
  });
  switch (param.type) {
    case 'string': return scalar('idx_string', 'x.value_norm', 'text');
    case 'token': return scalar('idx_token', 'x.code', 'text');
    case 'uri': return scalar('idx_uri', 'x.value', 'text');
    case 'date': return scalar('idx_date', rule.descending ? 'x.high' : 'x.low', 'timestamptz');
    case 'number': return scalar('idx_number', 'x.value', 'numeric');
    case 'quantity': return scalar('idx_quantity', 'x.value', 'numeric');
    case 'reference': return scalar('idx_reference', "coalesce(x.target_type || '/' || x.target_id, x.target_url)", 'text');
    default: throw badRequest(`Cannot sort by ${rule.code} (${param.type})`);
  }
}

/**
 * The page: rows matching `where`, ordered by the keys then res_id, after the cursor, `limit` rows. Key values come
 * back as k0, k1, … for the next cursor. Keys computed by subqueries are evaluated once per row behind a fence.
 */
export function pageQuery(where: Sql, keys: SortKey[], cursor: Cursor | undefined, limit: number): Sql {
  const backward = cursor?.direction === 'previous';
  const keyNames = keys.map((_, i) => `k${i}`);
  if (keys.every((k) => k.onRow)) {
    const selected = keys.map((k, i) => sql`${k.expr} AS ${raw(keyNames[i])}`);
    const after = cursor ? sql` AND ${keysetCondition(keys.map((k) => k.expr), keys, cursor, sql`r.res_id`)}` : sql``;
    return sql`SELECT ${raw(ROW_COLUMNS)}${selected.length ? sql`, ${join(selected, ', ')}` : sql``} FROM resource r
      WHERE ${where}${after} ORDER BY ${orderBy(keys.map((k) => k.expr), keys, backward, sql`r.res_id`)} LIMIT ${limit}`;
  }
  const selected = keys.map((k, i) => sql`${k.expr} AS ${raw(keyNames[i])}`);
  const qKeys = keyNames.map((name) => raw(`q.${name}`));
  const after = cursor ? sql`WHERE ${keysetCondition(qKeys, keys, cursor, sql`q.res_id`)}` : sql``;
  return sql`SELECT q.* FROM (SELECT ${raw(ROW_COLUMNS)}, ${join(selected, ', ')} FROM resource r WHERE ${where} OFFSET 0) q
    ${after} ORDER BY ${orderBy(qKeys, keys, backward, sql`q.res_id`)} LIMIT ${limit}`;
}

function orderBy(exprs: Sql[], keys: SortKey[], backward: boolean, resId: Sql): Sql {
  const terms = exprs.map((expr, i) => {
    const descending = keys[i].rule.descending !== backward;
    return sql`${expr} ${raw(descending ? 'DESC' : 'ASC')} ${raw(backward ? 'NULLS FIRST' : 'NULLS LAST')}`;
  });
  terms.push(sql`${resId} ${raw(backward ? 'DESC' : 'ASC')}`);
  return join(terms, ', ');
}

/** Rows strictly after the cursor row in the effective order (lexicographic over the keys, then res_id). */
function keysetCondition(exprs: Sql[], keys: SortKey[], cursor: Cursor, resId: Sql): Sql {
  const backward = cursor.direction === 'previous';
  let condition = backward ? sql`${resId} < ${cursor.resId}::bigint` : sql`${resId} > ${cursor.resId}::bigint`;
  for (let i = keys.length - 1; i >= 0; i--) {
    const expr = exprs[i];
    const value = cursor.values[i];
    const descending = keys[i].rule.descending !== backward;
    const typed = value === null ? undefined : sql`${value}::${raw(keys[i].kind)}`;
    let beyond: Sql;
    let equal: Sql;
    if (typed === undefined) {
      beyond = backward ? sql`${expr} IS NOT NULL` : sql`FALSE`;
      equal = sql`${expr} IS NULL`;
    } else {
      const comparison = descending ? sql`${expr} < ${typed}` : sql`${expr} > ${typed}`;
      beyond = backward ? comparison : sql`(${comparison} OR ${expr} IS NULL)`;
      equal = sql`${expr} = ${typed}`;
    }
    condition = orOf([beyond, sql`(${equal} AND ${condition})`]);
  }
  return condition;
}

/** The key values of a returned row, as the cursor stores them. */
export function rowKeyValues(row: Record<string, unknown>, keys: SortKey[]): (string | null)[] {
  return keys.map((_, i) => {
    const value = row[`k${i}`];
    if (value === null || value === undefined) return null;
    return value instanceof Date ? value.toISOString() : String(value);
  });
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: cursor.values, id: cursor.resId, d: cursor.direction === 'previous' ? 'p' : 'n' })).toString('base64url');
}

/** Checks every value against its key's type, so a tampered cursor is a 400, never a database error. */
export function decodeCursor(text: string, keys: SortKey[]): Cursor {
  const invalid = () => badRequest('Invalid _cursor: use the next/previous links of a search Bundle as given');
  let parsed: { v?: unknown; id?: unknown; d?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const values = parsed.v;
  if (!Array.isArray(values) || values.length !== keys.length || typeof parsed.id !== 'string' || !/^\d{1,19}$/.test(parsed.id)) throw invalid();
  values.forEach((value, i) => {
    if (value === null) return;
    if (typeof value !== 'string') throw invalid();
    if (keys[i].kind === 'timestamptz' && Number.isNaN(Date.parse(value))) throw invalid();
    if (keys[i].kind === 'numeric' && !isDecimal(value)) throw invalid();
  });
  return { values: values as (string | null)[], resId: parsed.id, direction: parsed.d === 'p' ? 'previous' : 'next' };
}
