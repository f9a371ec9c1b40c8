/**
 * date parameters and _lastUpdated. Every stored value is the instant range [low, high] it covers, and so is every
 * search value (its implicit precision), so each prefix is a comparison of two ranges (R4 search §date):
 * eq = search range contains the target; gt/lt = the target reaches beyond it; ge/le = gt/lt or eq;
 * sa/eb = the target lies wholly after/before it; ap = overlaps the search range widened by 10% of its distance from now.
 */
import { badRequest } from '../../errors';
import { Sql, sql } from '../../store/sql';
import { parseDateRange } from '../dates';
import type { ParamFilter, SearchValue } from '../search-request';
import { BuildContext, col, indexExists, orOf, Scope } from './context';

export function dateCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  return indexExists(ctx, scope, 'idx_date', filter.code, (d) => orOf(filter.values.map((v) => dateValueMatch(ctx, col(d, 'low'), col(d, 'high'), v))));
}

export function lastUpdatedCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  const at = col(scope.alias, 'last_updated');
  return orOf(filter.values.map((v) => dateValueMatch(ctx, at, at, v)));
}

const DAY_MS = 86_400_000;

export function dateValueMatch(ctx: BuildContext, low: Sql, high: Sql, value: SearchValue): Sql {
  const range = parseDateRange(value.raw);
  if (!range) throw badRequest(`Invalid date in search: ${value.raw}`);
  const lo = range.low;
  const hi = range.high;
  switch (value.prefix ?? 'eq') {
    case 'eq': return sql`(${low} >= ${lo} AND ${high} <= ${hi})`;
    case 'ne': return sql`NOT (${low} >= ${lo} AND ${high} <= ${hi})`;
    case 'gt': return sql`${high} > ${hi}`;
    case 'lt': return sql`${low} < ${lo}`;
    // ge: the target reaches past the range, or lies within it; written so the first term is an index range
    case 'ge': return sql`(${high} >= ${lo} AND (${high} > ${hi} OR ${low} >= ${lo}))`;
    case 'le': return sql`(${low} <= ${hi} AND (${low} < ${lo} OR ${high} <= ${hi}))`;
    case 'sa': return sql`${low} > ${hi}`;
    case 'eb': return sql`${high} < ${lo}`;
    case 'ap': {
      const distance = Math.abs(ctx.now.getTime() - lo.getTime());
      const slack = Math.max(distance * 0.1, DAY_MS);
      return sql`(${low} <= ${new Date(hi.getTime() + slack)} AND ${high} >= ${new Date(lo.getTime() - slack)})`;
    }
  }
}
