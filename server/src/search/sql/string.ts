/**
 * string parameters: starts-with by default, :contains, :exact. Default and :contains compare the normalised value
 * (lower case, accents removed) on both sides; :exact compares the value as written.
 */
import { badRequest } from '../../errors';
import { indexPrefix } from '../../store/index-keys';
import { Sql, sql } from '../../store/sql';
import { normalizeString } from '../normalize';
import type { ParamFilter, SearchValue } from '../search-request';
import { unescapeValue } from '../values';
import { BuildContext, col, escapeLike, indexExists, orOf, Scope } from './context';

export function stringCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  return indexExists(ctx, scope, 'idx_string', filter.code, (s) => orOf(filter.values.map((v) => stringValueMatch(s, v, filter.modifier))));
}

export function stringValueMatch(s: string, value: SearchValue, modifier?: string): Sql {
  const text = unescapeValue(value.raw);
  switch (modifier) {
    case undefined:
      return sql`${col(s, 'value_norm')} LIKE ${escapeLike(indexPrefix(normalizeString(text))) + '%'}`;
    case 'contains':
      return sql`${col(s, 'value_norm')} LIKE ${'%' + escapeLike(indexPrefix(normalizeString(text))) + '%'}`;
    case 'exact':
      return sql`${col(s, 'value_exact')} = ${text}`;
    default:
      throw badRequest(`Modifier :${modifier} is not supported on string parameters`);
  }
}
