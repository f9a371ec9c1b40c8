/** Filters answered without a parameter's own index table: _id, _list and :missing. */
import { raw, Sql, sql } from '../../store/sql';
import type { ParamFilter } from '../search-request';
import { unescapeValue } from '../values';
import { BuildContext, col, rowFilterOf, Scope, typeCondition } from './context';
import { localTarget } from './reference';

export function idCondition(scope: Scope, filter: ParamFilter): Sql {
  const ids = filter.values.map((v) => unescapeValue(v.raw));
  const match = sql`${col(scope.alias, 'id')} = ANY(${ids}::text[])`;
  return filter.modifier === 'not' ? sql`NOT ${match}` : match;
}

/** `_list=42`: the resources List/42 names in its entries. */
export function listCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  const ids = filter.values.map((v) => unescapeValue(v.raw).replace(/^List\//, ''));
  const f = ctx.nextAlias('f');
  const list = ctx.nextAlias('r');
  return sql`EXISTS (SELECT 1 FROM idx_reference ${raw(f)} JOIN resource ${raw(list)} ON ${col(list, 'res_id')} = ${col(f, 'res_id')}
    WHERE ${col(list, 'resource_type')} = 'List' AND ${col(list, 'id')} = ANY(${ids}::text[]) AND NOT ${col(list, 'deleted')}
      AND ${rowFilterOf(ctx, list, 'chain', ['List'])}
      AND ${col(f, 'resource_type')} = 'List' AND ${col(f, 'param')} = 'item'
      AND ${col(f, 'target_id')} = ${col(scope.alias, 'id')} AND ${col(f, 'target_type')} = ${col(scope.alias, 'resource_type')}
      AND ${localTarget(ctx, f)})`;
}

/** `:missing=true|false` through idx_present, so it is an index lookup on every type. */
export function missingCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  const missing = filter.values[0]?.raw === 'true';
  if (filter.type === 'id' || filter.type === 'lastUpdated') return missing ? sql`FALSE` : sql`TRUE`;
  const p = ctx.nextAlias('p');
  const present = sql`EXISTS (SELECT 1 FROM idx_present ${raw(p)} WHERE ${col(p, 'res_id')} = ${col(scope.alias, 'res_id')}
    AND ${typeCondition(p, scope.types)} AND ${col(p, 'param')} = ${filter.code})`;
  return missing ? sql`NOT ${present}` : present;
}
