/**
 * _include and _revinclude, resolved set-wise: one statement per round for every rule at once (the first round for
 * the page's matches, then up to MAX_INCLUDE_ITERATIONS rounds of `:iterate` rules over what the previous round
 * added). Each statement is capped; the caller reports a cap that was reached.
 */
import { join, Sql, sql } from '../../store/sql';
import type { IncludeTarget } from '../search-request';
import { andOf, BuildContext, orOf, rowFilterOf } from './context';
import { localTarget } from './reference';

export interface IncludeSource {
  resIds: string[];
  types: string[];
  ids: string[];
}

/** Resources the sources point to (_include) or that point to the sources (_revinclude), each once, not in `exclude`. */
export function includeRoundQuery(
  ctx: BuildContext, source: IncludeSource, include: IncludeTarget[], revinclude: IncludeTarget[], exclude: string[], limit: number,
): Sql | undefined {
  const parts: Sql[] = [];
  if (include.length > 0) parts.push(forwardQuery(ctx, source, include));
  if (revinclude.length > 0) parts.push(reverseQuery(ctx, source, revinclude));
  if (parts.length === 0) return undefined;
  return sql`SELECT r.res_id, r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.content FROM resource r
    WHERE r.res_id IN (${join(parts, ' UNION ')}) AND NOT (r.res_id = ANY(${exclude}::bigint[])) AND NOT r.deleted
      AND ${rowFilterOf(ctx, 'r', 'include')}
    ORDER BY r.res_id LIMIT ${limit}`;
}

function ruleCondition(rules: IncludeTarget[]): Sql {
  return orOf(rules.map((rule) => andOf([
    ...(rule.sourceType === '*' ? [] : [sql`f.resource_type = ${rule.sourceType}`]),
    ...(rule.param === '*' ? [] : [sql`f.param = ${rule.param}`]),
    ...(rule.targetType ? [sql`f.target_type = ${rule.targetType}`] : []),
  ])));
}

function forwardQuery(ctx: BuildContext, source: IncludeSource, rules: IncludeTarget[]): Sql {
  return sql`SELECT t.res_id FROM idx_reference f JOIN resource t ON t.resource_type = f.target_type AND t.id = f.target_id
    WHERE f.res_id = ANY(${source.resIds}::bigint[]) AND ${ruleCondition(rules)} AND ${localTarget(ctx, 'f')}`;
}

function reverseQuery(ctx: BuildContext, source: IncludeSource, rules: IncludeTarget[]): Sql {
  return sql`SELECT f.res_id FROM idx_reference f
    WHERE (f.target_id, f.target_type) IN (SELECT * FROM unnest(${source.ids}::text[], ${source.types}::text[]))
      AND ${ruleCondition(rules)} AND ${localTarget(ctx, 'f')}`;
}
