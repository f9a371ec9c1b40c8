/**
 * _include and _revinclude, resolved set-wise: one statement per round for every rule at once (the first round for
 * the page's matches, then up to MAX_INCLUDE_ITERATIONS rounds of `:iterate` rules over what the previous round
 * added). Each statement is capped; the caller reports a cap that was reached.
 */
import { join, raw, Sql, sql } from '../../store/sql';
import type { IncludeTarget } from '../search-request';
import { andOf, BuildContext, orOf, rowFilterOf } from './context';
import { localTarget } from './reference';

const ROW_COLUMNS = 'res_id, resource_type, id, version_id, last_updated, deleted, content';

export interface IncludeSource {
  resIds: string[];
  types: string[];
  ids: string[];
}

/** Resources the sources point to (_include) or that point to the sources (_revinclude), not in `exclude`. */
export function includeRoundQuery(
  ctx: BuildContext, source: IncludeSource, include: IncludeTarget[], revinclude: IncludeTarget[], exclude: string[], limit: number,
): Sql | undefined {
  const parts: Sql[] = [];
  if (include.length > 0) parts.push(forwardQuery(ctx, source, include));
  if (revinclude.length > 0) parts.push(reverseQuery(ctx, source, revinclude));
  if (parts.length === 0) return undefined;
  return sql`SELECT ${raw(ROW_COLUMNS)} FROM (${join(parts, ' UNION ')}) i
    WHERE NOT (i.res_id = ANY(${exclude}::bigint[])) ORDER BY i.res_id LIMIT ${limit}`;
}

function forwardQuery(ctx: BuildContext, source: IncludeSource, rules: IncludeTarget[]): Sql {
  const ruleConditions = rules.map((rule) => andOf([
    ...(rule.sourceType === '*' ? [] : [sql`f.resource_type = ${rule.sourceType}`]),
    ...(rule.param === '*' ? [] : [sql`f.param = ${rule.param}`]),
    ...(rule.targetType ? [sql`f.target_type = ${rule.targetType}`] : []),
  ]));
  return sql`SELECT t.res_id, t.resource_type, t.id, t.version_id, t.last_updated, t.deleted, t.content
    FROM idx_reference f JOIN resource t ON t.resource_type = f.target_type AND t.id = f.target_id
    WHERE f.res_id = ANY(${source.resIds}::bigint[]) AND ${orOf(ruleConditions)} AND ${localTarget(ctx, 'f')} AND NOT t.deleted
      AND ${rowFilterOf(ctx, 't', 'include')}`;
}

function reverseQuery(ctx: BuildContext, source: IncludeSource, rules: IncludeTarget[]): Sql {
  const ruleConditions = rules.map((rule) => andOf([
    ...(rule.sourceType === '*' ? [] : [sql`f.resource_type = ${rule.sourceType}`]),
    ...(rule.param === '*' ? [] : [sql`f.param = ${rule.param}`]),
    ...(rule.targetType ? [sql`f.target_type = ${rule.targetType}`] : []),
  ]));
  return sql`SELECT s.res_id, s.resource_type, s.id, s.version_id, s.last_updated, s.deleted, s.content
    FROM idx_reference f JOIN resource s ON s.res_id = f.res_id
    WHERE (f.target_id, f.target_type) IN (SELECT * FROM unnest(${source.ids}::text[], ${source.types}::text[]))
      AND ${orOf(ruleConditions)} AND ${localTarget(ctx, 'f')} AND NOT s.deleted
      AND ${rowFilterOf(ctx, 's', 'include')}`;
}
