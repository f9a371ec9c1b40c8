/**
 * uri parameters: exact match by default; :below — the stored URI starts with the search value; :above — the stored
 * URI is the search value or one of its parent paths (so both are index lookups, not scans).
 */
import { badRequest } from '../../errors';
import { indexKey } from '../../store/index-keys';
import { Sql, sql } from '../../store/sql';
import type { ParamFilter, SearchValue } from '../search-request';
import { unescapeValue } from '../values';
import { BuildContext, col, escapeLike, indexExists, orOf, Scope } from './context';

export function uriCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  return indexExists(ctx, scope, 'idx_uri', filter.code, (u) => orOf(filter.values.map((v) => uriValueMatch(u, v, filter.modifier))));
}

export function uriValueMatch(u: string, value: SearchValue, modifier?: string): Sql {
  const uri = unescapeValue(value.raw);
  switch (modifier) {
    case undefined:
      return sql`${col(u, 'value')} = ${indexKey(uri)}`;
    case 'below':
      return sql`(${col(u, 'value')} = ${indexKey(uri)} OR ${col(u, 'value')} LIKE ${escapeLike(uri.replace(/\/$/, '')) + '/%'})`;
    case 'above':
      return sql`${col(u, 'value')} = ANY(${parentPaths(uri).map(indexKey)}::text[])`;
    default:
      throw badRequest(`Modifier :${modifier} is not supported on uri parameters`);
  }
}

/** `http://a.org/fhir/ValueSet/1` → itself, `http://a.org/fhir/ValueSet`, `http://a.org/fhir/`, … (with and without `/`). */
function parentPaths(uri: string): string[] {
  const paths = new Set([uri]);
  const start = uri.indexOf('://') >= 0 ? uri.indexOf('://') + 3 : 0;
  for (let i = uri.indexOf('/', start); i >= 0; i = uri.indexOf('/', i + 1)) {
    paths.add(uri.slice(0, i));
    paths.add(uri.slice(0, i + 1));
  }
  return [...paths];
}
