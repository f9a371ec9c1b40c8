/** SearchRequest → the WHERE clause over `resource r`: one condition per filter, dispatched by parameter type. */
import { badRequest } from '../../errors';
import { Sql, sql } from '../../store/sql';
import { searchedTypes } from '../parse-search';
import { lookupParam } from '../parse-filter';
import type { ParamFilter, SearchFilter, SearchRequest } from '../search-request';
import { chainCondition, hasCondition } from './chain';
import { compositeCondition } from './composite';
import { andOf, BuildContext, col, rowFilterOf, Scope } from './context';
import { dateCondition, lastUpdatedCondition } from './date';
import { numberCondition, quantityCondition } from './number';
import { referenceCondition } from './reference';
import { compartmentCondition } from './compartment';
import { idCondition, listCondition, missingCondition } from './special';
import { stringCondition } from './string';
import { tokenCondition } from './token';
import { uriCondition } from './uri';

/** The scope of the searched rows: alias `r`, of the searched type(s). */
export function rootScope(request: SearchRequest): Scope {
  return { alias: 'r', types: searchedTypes(request) };
}

export function buildWhere(ctx: BuildContext, request: SearchRequest): Sql {
  const scope = rootScope(request);
  const conditions = [typeRestriction(scope), sql`NOT r.deleted`];
  if (ctx.rowFilter) conditions.push(rowFilterOf(ctx, scope.alias, 'match', scope.types));
  if (request.compartment) conditions.push(compartmentCondition(ctx, scope, request.compartment));
  for (const filter of request.filters) conditions.push(filterCondition(ctx, scope, filter));
  return andOf(conditions);
}

function typeRestriction(scope: Scope): Sql {
  const types = scope.types.filter((t) => t !== 'Resource');
  if (types.length === 0) return sql`TRUE`;
  if (types.length === 1) return sql`${col(scope.alias, 'resource_type')} = ${types[0]}`;
  return sql`${col(scope.alias, 'resource_type')} = ANY(${types}::text[])`;
}

export function filterCondition(ctx: BuildContext, scope: Scope, filter: SearchFilter): Sql {
  switch (filter.kind) {
    case 'chain': return chainCondition(ctx, scope, filter, filterCondition);
    case 'has': return hasCondition(ctx, scope, filter, filterCondition);
    default: return paramCondition(ctx, scope, filter);
  }
}

function paramCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  if (filter.modifier === 'missing') return missingCondition(ctx, scope, filter);
  switch (filter.type) {
    case 'id': return idCondition(scope, filter);
    case 'lastUpdated': return lastUpdatedCondition(ctx, scope, filter);
    case 'list': return listCondition(ctx, scope, filter);
    case 'string': return stringCondition(ctx, scope, filter);
    case 'token': return tokenCondition(ctx, scope, filter);
    case 'date': return dateCondition(ctx, scope, filter);
    case 'number': return numberCondition(ctx, scope, filter);
    case 'quantity': return quantityCondition(ctx, scope, filter);
    case 'uri': return uriCondition(ctx, scope, filter);
    case 'reference': return referenceCondition(ctx, scope, filter);
    case 'composite': {
      const param = lookupParam(scope.types, filter.code);
      if (!param) throw badRequest(`Unknown composite parameter ${filter.code}`);
      return compositeCondition(ctx, scope, filter, param);
    }
    default:
      throw badRequest(`Search parameter ${filter.code} (${filter.type}) is not supported`);
  }
}
