/**
 * `:below` / `:above` on reference parameters (R4 search.html#modifiers): the reference points at the named resource
 * or at one of its descendants (below) or ancestors (above) in its type's partOf hierarchy. The hierarchy is walked
 * in SQL by a recursive CTE over idx_reference, bounded to MAX_HIERARCHY_DEPTH levels (so a cycle ends), and every
 * resource it looks through must pass the caller's access filter, as a chain's would.
 */
import { raw, Sql, sql } from '../../store/sql';
import { HIERARCHY_PARENT_PARAM, MAX_HIERARCHY_DEPTH } from '../reference-hierarchies';
import type { ParamFilter, SearchValue } from '../search-request';
import { unescapeValue } from '../values';
import { BuildContext, col, indexExists, orOf, rowFilterOf, Scope } from './context';
import { localTarget } from './reference';

type Direction = 'above' | 'below';

export function referenceHierarchyCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  const direction = filter.modifier as Direction;
  return indexExists(ctx, scope, 'idx_reference', filter.code, (f) => orOf(filter.values.map((v) => hierarchyMatch(ctx, f, v, direction))));
}

function hierarchyMatch(ctx: BuildContext, f: string, value: SearchValue, direction: Direction): Sql {
  // The parser wrote every value as `Type/id` of a type in HIERARCHY_PARENT_PARAM (reference-hierarchies.ts).
  const [type, id] = unescapeValue(value.raw).split('/');
  const parentParam = HIERARCHY_PARENT_PARAM[type];
  if (!parentParam) return sql`FALSE`;
  const ids = direction === 'below' ? descendantIds(ctx, type, parentParam, id) : ancestorIds(ctx, type, parentParam, id);
  return sql`(${col(f, 'target_type')} = ${type} AND ${col(f, 'target_id')} IN (${ids}) AND ${localTarget(ctx, f)})`;
}

/** `id` and every resource whose partOf chain leads to it: children are found through their partOf index rows. */
function descendantIds(ctx: BuildContext, type: string, parentParam: string, id: string): Sql {
  const tree = ctx.nextAlias('tree');
  const h = ctx.nextAlias('f');
  const child = ctx.nextAlias('r');
  return sql`WITH RECURSIVE ${raw(tree)}(id, depth) AS (
      SELECT ${id}::text, 0
      UNION ALL
      SELECT ${col(child, 'id')}, ${col(tree, 'depth')} + 1 FROM ${raw(tree)}
        JOIN idx_reference ${raw(h)} ON ${col(h, 'target_id')} = ${col(tree, 'id')} AND ${col(h, 'target_type')} = ${type}
          AND ${col(h, 'param')} = ${parentParam} AND ${col(h, 'resource_type')} = ${type}
        JOIN resource ${raw(child)} ON ${col(child, 'res_id')} = ${col(h, 'res_id')}
      WHERE ${col(tree, 'depth')} < ${MAX_HIERARCHY_DEPTH} AND NOT ${col(child, 'deleted')} AND ${localTarget(ctx, h)}
        AND ${rowFilterOf(ctx, child, 'chain', [type])}
    ) SELECT ${col(tree, 'id')} FROM ${raw(tree)}`;
}

/** `id` and every resource up its partOf chain: each step reads the current node's partOf index row. */
function ancestorIds(ctx: BuildContext, type: string, parentParam: string, id: string): Sql {
  const chain = ctx.nextAlias('chain');
  const node = ctx.nextAlias('r');
  const h = ctx.nextAlias('f');
  return sql`WITH RECURSIVE ${raw(chain)}(id, depth) AS (
      SELECT ${id}::text, 0
      UNION ALL
      SELECT ${col(h, 'target_id')}, ${col(chain, 'depth')} + 1 FROM ${raw(chain)}
        JOIN resource ${raw(node)} ON ${col(node, 'resource_type')} = ${type} AND ${col(node, 'id')} = ${col(chain, 'id')}
        JOIN idx_reference ${raw(h)} ON ${col(h, 'res_id')} = ${col(node, 'res_id')} AND ${col(h, 'param')} = ${parentParam}
          AND ${col(h, 'resource_type')} = ${type} AND ${col(h, 'target_type')} = ${type}
      WHERE ${col(chain, 'depth')} < ${MAX_HIERARCHY_DEPTH} AND NOT ${col(node, 'deleted')} AND ${localTarget(ctx, h)}
        AND ${rowFilterOf(ctx, node, 'chain', [type])}
    ) SELECT ${col(chain, 'id')} FROM ${raw(chain)}`;
}
