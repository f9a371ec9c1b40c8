/**
 * Chained parameters (`subject:Patient.name=x`, up to depth 3) and reverse chains (`_has:Observation:patient:code=x`,
 * nestable). Both join idx_reference to the resource row on the other side and apply the next filter to that row,
 * so the planner can start from whichever side is more selective.
 */
import { raw, Sql, sql } from '../../store/sql';
import type { ChainFilter, HasFilter, SearchFilter } from '../search-request';
import { BuildContext, col, rowFilterOf, Scope, typeCondition } from './context';
import { localTarget } from './reference';

export type FilterBuilder = (ctx: BuildContext, scope: Scope, filter: SearchFilter) => Sql;

export function chainCondition(ctx: BuildContext, scope: Scope, filter: ChainFilter, build: FilterBuilder): Sql {
  const f = ctx.nextAlias('f');
  const target = ctx.nextAlias('r');
  const next = build(ctx, { alias: target, types: filter.targetTypes }, filter.next);
  const targetTypes = filter.targetTypes.length === 1
    ? sql`${col(f, 'target_type')} = ${filter.targetTypes[0]}`
    : sql`${col(f, 'target_type')} = ANY(${filter.targetTypes}::text[])`;
  return sql`EXISTS (SELECT 1 FROM idx_reference ${raw(f)}
      JOIN resource ${raw(target)} ON ${col(target, 'resource_type')} = ${col(f, 'target_type')} AND ${col(target, 'id')} = ${col(f, 'target_id')}
    WHERE ${col(f, 'res_id')} = ${col(scope.alias, 'res_id')} AND ${typeCondition(f, scope.types)} AND ${col(f, 'param')} = ${filter.code}
      AND ${targetTypes} AND ${localTarget(ctx, f)} AND NOT ${col(target, 'deleted')}
      AND ${rowFilterOf(ctx, target, 'chain', filter.targetTypes)} AND ${next})`;
}

export function hasCondition(ctx: BuildContext, scope: Scope, filter: HasFilter, build: FilterBuilder): Sql {
  const f = ctx.nextAlias('f');
  const source = ctx.nextAlias('r');
  const next = build(ctx, { alias: source, types: [filter.sourceType] }, filter.next);
  const pointsHere = scope.types.length === 1 && scope.types[0] !== 'Resource'
    ? sql`${col(f, 'target_type')} = ${scope.types[0]}`
    : sql`${col(f, 'target_type')} = ${col(scope.alias, 'resource_type')}`;
  return sql`EXISTS (SELECT 1 FROM idx_reference ${raw(f)} JOIN resource ${raw(source)} ON ${col(source, 'res_id')} = ${col(f, 'res_id')}
    WHERE ${col(f, 'resource_type')} = ${filter.sourceType} AND ${col(f, 'param')} = ${filter.referenceParam}
      AND ${col(f, 'target_id')} = ${col(scope.alias, 'id')} AND ${pointsHere} AND ${localTarget(ctx, f)}
      AND NOT ${col(source, 'deleted')} AND ${rowFilterOf(ctx, source, 'chain', [filter.sourceType])} AND ${next})`;
}
