/**
 * Compartment membership as SQL: `/Patient/123/Observation` (one type) and `/Patient/123/*` (every type of the
 * compartment, or those `_type` names): linked to Patient/123 through one of the compartment's parameters for the
 * row's type, or the compartment resource itself.
 */
import { badRequest } from '../../errors';
import { raw, Sql, sql } from '../../store/sql';
import { compartmentMembers, compartmentParams } from '../compartments';
import type { Compartment } from '../search-request';
import { BuildContext, col, Scope } from './context';
import { localTarget } from './reference';

export function compartmentCondition(ctx: BuildContext, scope: Scope, compartment: Compartment): Sql {
  const concrete = scope.types.filter((t) => t !== 'Resource');
  if (concrete.length === 1) return singleTypeCondition(ctx, scope, compartment, concrete[0]);
  return memberCondition(ctx, scope, compartment, concrete);
}

function singleTypeCondition(ctx: BuildContext, scope: Scope, compartment: Compartment, resourceType: string): Sql {
  const params = compartmentParams(compartment.type, resourceType);
  if (params === undefined) throw notInCompartment(resourceType, compartment);
  const f = ctx.nextAlias('f');
  const linked = params.length > 0
    ? sql`EXISTS (SELECT 1 FROM idx_reference ${raw(f)} WHERE ${col(f, 'res_id')} = ${col(scope.alias, 'res_id')}
        AND ${col(f, 'resource_type')} = ${resourceType} AND ${col(f, 'param')} = ANY(${params}::text[])
        AND ${col(f, 'target_id')} = ${compartment.id} AND ${col(f, 'target_type')} = ${compartment.type} AND ${localTarget(ctx, f)})`
    : sql`FALSE`;
  if (resourceType !== compartment.type) return linked;
  return sql`(${col(scope.alias, 'id')} = ${compartment.id} OR ${linked})`;
}

/**
 * Several types (`_type`) or all of them (`types` empty). Written as `res_id IN (links UNION the compartment
 * resource)` so the planner starts from the reference index (target id first) instead of testing every row.
 */
function memberCondition(ctx: BuildContext, scope: Scope, compartment: Compartment, types: string[]): Sql {
  const members = compartmentMembers(compartment.type);
  for (const type of types) {
    if (type !== compartment.type && !members.has(type)) throw notInCompartment(type, compartment);
  }
  const searched = types.length > 0 ? types : [...members.keys(), compartment.type];
  const pairs = searched.flatMap((type) => (members.get(type) ?? []).map((param) => [type, param] as const));
  const f = ctx.nextAlias('f');
  const m = ctx.nextAlias('m');
  const c = ctx.nextAlias('c');
  const linked = sql`SELECT ${col(f, 'res_id')} FROM idx_reference ${raw(f)}
      JOIN unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS ${raw(m)}(resource_type, param)
        ON ${col(f, 'resource_type')} = ${col(m, 'resource_type')} AND ${col(f, 'param')} = ${col(m, 'param')}
    WHERE ${col(f, 'target_id')} = ${compartment.id} AND ${col(f, 'target_type')} = ${compartment.type} AND ${localTarget(ctx, f)}`;
  const itself = sql`SELECT ${col(c, 'res_id')} FROM resource ${raw(c)}
    WHERE ${col(c, 'resource_type')} = ${compartment.type} AND ${col(c, 'id')} = ${compartment.id}`;
  const candidates = searched.includes(compartment.type) ? sql`${linked} UNION ALL ${itself}` : linked;
  return sql`${col(scope.alias, 'res_id')} IN (${candidates})`;
}

function notInCompartment(resourceType: string, compartment: Compartment) {
  return badRequest(`${resourceType} is not in the ${compartment.type} compartment`);
}
