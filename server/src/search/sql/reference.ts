/**
 * reference parameters: `id`, `Type/id`, our own absolute URL (made relative by the parser), other absolute URLs and
 * canonicals (`url` or `url|version`), `:Type`, `:identifier` (a token over Reference.identifier), and `:above`/`:below`
 * over a partOf hierarchy (reference-hierarchy.ts).
 * Local references are stored as (target_type, target_id) with no URL.
 */
import { indexKey } from '../../store/index-keys';
import { Sql, sql } from '../../store/sql';
import type { ParamFilter, SearchValue } from '../search-request';
import { unescapeValue } from '../values';
import { BuildContext, col, escapeLike, indexExists, orOf, Scope } from './context';
import { referenceHierarchyCondition } from './reference-hierarchy';
import { tokenValueMatch } from './token';

const LOCAL = /^(?:([A-Z][A-Za-z]+)\/)?([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export function referenceCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  if (filter.modifier === 'above' || filter.modifier === 'below') return referenceHierarchyCondition(ctx, scope, filter);
  if (filter.modifier === 'identifier') {
    return indexExists(ctx, scope, 'idx_token', `${filter.code}:identifier`, (t) => orOf(filter.values.map((v) => tokenValueMatch(t, v))));
  }
  return indexExists(ctx, scope, 'idx_reference', filter.code, (f) => orOf(filter.values.map((v) => referenceValueMatch(ctx, f, v, filter.modifier))));
}

/** `typeModifier` is the `:Type` modifier, if any. */
export function referenceValueMatch(ctx: BuildContext, f: string, value: SearchValue, typeModifier?: string): Sql {
  const reference = unescapeValue(value.raw);
  const local = LOCAL.exec(reference);
  if (!local) return sql`${col(f, 'target_url')} = ${indexKey(reference)}`;
  const [, type, id] = local;
  if (type && typeModifier && type !== typeModifier) return sql`FALSE`;
  const targetType = type ?? typeModifier;
  const conditions = [sql`${col(f, 'target_id')} = ${id}`];
  if (targetType) conditions.push(sql`${col(f, 'target_type')} = ${targetType}`);
  conditions.push(localTarget(ctx, f));
  return sql`(${conditions.reduce((a, b) => sql`${a} AND ${b}`)})`;
}

/** The reference row points into this server: relative, or absolute with our base URL. */
export function localTarget(ctx: BuildContext, f: string): Sql {
  if (!ctx.baseUrl) return sql`${col(f, 'target_url')} IS NULL`;
  return sql`(${col(f, 'target_url')} IS NULL OR ${col(f, 'target_url')} LIKE ${escapeLike(ctx.baseUrl) + '/%'})`;
}
