/**
 * What every SQL fragment builder is given: a scope (which `resource` row alias the condition is about, and which
 * types it can be), fresh aliases for nested subqueries, our base URL, and terminology resolved beforehand.
 * Aliases are generated here from constant prefixes, never from request text.
 */
import { join, raw, Sql, sql } from '../../store/sql';
import type { ResolvedTerminology } from '../terminology/resolve';

export interface Scope {
  /** Alias of a `resource` row (res_id, resource_type, id, last_updated). */
  alias: string;
  /** The types that row can be; one type lets index subqueries use the (resource_type, param, …) indexes. */
  types: string[];
}

/**
 * A condition every row the search touches must also meet (the caller's access policy): `use` says whether the row
 * is a match, an included resource, or one that a chain/_has/_list looks through. Must fail closed.
 */
export type RowFilter = (alias: string, use: 'match' | 'include' | 'chain', resourceType?: string) => Sql;

export interface BuildContext {
  baseUrl?: string;
  rowFilter?: RowFilter;
  terminology: ResolvedTerminology;
  now: Date;
  nextAlias(prefix: string): string;
}

export function createBuildContext(options: { baseUrl?: string; terminology: ResolvedTerminology; now?: Date; rowFilter?: RowFilter }): BuildContext {
  let counter = 0;
  return {
    baseUrl: options.baseUrl,
    rowFilter: options.rowFilter,
    terminology: options.terminology,
    now: options.now ?? new Date(),
    nextAlias: (prefix) => `${prefix}${++counter}`,
  };
}

/** The row filter for `alias` (TRUE when the caller has none). */
export function rowFilterOf(ctx: BuildContext, alias: string, use: 'match' | 'include' | 'chain', types?: string[]): Sql {
  if (!ctx.rowFilter) return sql`TRUE`;
  const single = types && types.length === 1 && types[0] !== 'Resource' ? types[0] : undefined;
  return sql`(${ctx.rowFilter(alias, use, single)})`;
}

/** `alias.column` for an alias we generated and a column name written in our source. */
export function col(alias: string, column: string): Sql {
  return raw(`${alias}.${column}`);
}

/** The row-level resource_type condition for index rows of `alias` (omitted when any type is possible). */
export function typeCondition(alias: string, types: string[]): Sql {
  if (types.length === 1 && types[0] !== 'Resource') return sql`${col(alias, 'resource_type')} = ${types[0]}`;
  const concrete = types.filter((t) => t !== 'Resource');
  if (concrete.length === 0) return sql`TRUE`;
  return sql`${col(alias, 'resource_type')} = ANY(${concrete}::text[])`;
}

/**
 * `EXISTS (SELECT 1 FROM <table> x WHERE x.res_id = <scope>.res_id AND x.param = <code> AND <condition>)`.
 * The table name is one of ours; `build` receives the fresh alias.
 */
export function indexExists(ctx: BuildContext, scope: Scope, table: IndexTable, code: string, build: (alias: string) => Sql): Sql {
  const alias = ctx.nextAlias(TABLE_ALIAS[table]);
  return sql`EXISTS (SELECT 1 FROM ${raw(table)} ${raw(alias)} WHERE ${col(alias, 'res_id')} = ${col(scope.alias, 'res_id')}
    AND ${typeCondition(alias, scope.types)} AND ${col(alias, 'param')} = ${code} AND (${build(alias)}))`;
}

export type IndexTable = 'idx_string' | 'idx_token' | 'idx_date' | 'idx_number' | 'idx_quantity' | 'idx_uri' | 'idx_reference' | 'idx_present';

export const TABLE_ALIAS: Record<IndexTable, string> = {
  idx_string: 's', idx_token: 't', idx_date: 'd', idx_number: 'n', idx_quantity: 'q', idx_uri: 'u', idx_reference: 'f', idx_present: 'p',
};

export function orOf(conditions: Sql[]): Sql {
  if (conditions.length === 0) return sql`FALSE`;
  return conditions.length === 1 ? conditions[0] : sql`(${join(conditions, ' OR ')})`;
}

export function andOf(conditions: Sql[]): Sql {
  if (conditions.length === 0) return sql`TRUE`;
  return conditions.length === 1 ? conditions[0] : sql`(${join(conditions, ' AND ')})`;
}

/** Escapes LIKE wildcards; our LIKE patterns use the default escape character `\`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => '\\' + ch);
}
