/**
 * token parameters: `code`, `system|code`, `|code`, `system|`; modifiers :not, :text, :of-type, :in/:not-in
 * (a ValueSet held by this server), :above/:below (a CodeSystem hierarchy held by this server). Codes are matched
 * exactly (case-sensitive), as the spec asks unless a code system says otherwise.
 */
import { badRequest } from '../../errors';
import { indexKey } from '../../store/index-keys';
import { Sql, sql } from '../../store/sql';
import type { ParamFilter, SearchValue } from '../search-request';
import type { CodeSet } from '../terminology/code-set';
import { splitSystem, unescapeValue } from '../values';
import { BuildContext, col, escapeLike, indexExists, orOf, Scope } from './context';
import { normalizeString } from '../normalize';

export function tokenCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  const { code, modifier, values } = filter;
  switch (modifier) {
    case undefined:
      return indexExists(ctx, scope, 'idx_token', code, (t) => orOf(values.map((v) => tokenValueMatch(t, v))));
    case 'not':
      return sql`NOT ${indexExists(ctx, scope, 'idx_token', code, (t) => orOf(values.map((v) => tokenValueMatch(t, v))))}`;
    case 'text':
      return indexExists(ctx, scope, 'idx_token', code, (t) => orOf(values.map((v) => textMatch(t, v))));
    case 'of-type':
      return indexExists(ctx, scope, 'idx_token', `${code}:of-type`, (t) => orOf(values.map((v) => ofTypeMatch(t, v))));
    case 'in':
    case 'not-in': {
      const sets = values.map((v) => valueSetOf(ctx, unescapeValue(v.raw)));
      const exists = indexExists(ctx, scope, 'idx_token', code, (t) => orOf(sets.map((set) => codeSetMatch(t, set))));
      return modifier === 'in' ? exists : sql`NOT ${exists}`;
    }
    case 'above':
    case 'below':
      return indexExists(ctx, scope, 'idx_token', code, (t) => orOf(values.map((v) => hierarchyMatch(ctx, t, v, modifier))));
    default:
      throw badRequest(`Modifier :${modifier} is not supported on token parameter ${code}`);
  }
}

/** One value against the token row `t` (also used for composite components and `:identifier`). */
export function tokenValueMatch(t: string, value: SearchValue): Sql {
  const { system, code } = indexKeys(splitSystem(value.raw));
  if (system === undefined) return sql`${col(t, 'code')} = ${code}`;
  if (system === '' && code === '') throw badRequest('A token value of "|" matches nothing: give a system, a code or both');
  if (system === '') return sql`(${col(t, 'code')} = ${code} AND ${col(t, 'system')} IS NULL)`;
  if (code === '') return sql`${col(t, 'system')} = ${system}`;
  return sql`(${col(t, 'code')} = ${code} AND ${col(t, 'system')} = ${system})`;
}

/** System and code as the index stores them (store/index-keys.ts). */
function indexKeys({ system, code }: { system?: string; code: string }): { system?: string; code: string } {
  return { system: system === undefined ? undefined : indexKey(system), code: indexKey(code) };
}

/** :text — the display/text of the code, with string semantics: starts with, per word, case/accent-insensitive. */
function textMatch(t: string, value: SearchValue): Sql {
  const text = escapeLike(normalizeString(unescapeValue(value.raw)));
  return sql`(${col(t, 'text_norm')} LIKE ${text + '%'} OR ${col(t, 'text_norm')} LIKE ${'% ' + text + '%'})`;
}

/** :of-type — `typeSystem|typeCode|value`, indexed as system = typeSystem, code = "typeCode|value". */
function ofTypeMatch(t: string, value: SearchValue): Sql {
  const { system, code } = indexKeys(splitSystem(value.raw));
  if (system === undefined || !code.includes('|')) throw badRequest(`:of-type takes system|code|value, not "${value.raw}"`);
  return system === '' ? sql`${col(t, 'code')} = ${code}` : sql`(${col(t, 'code')} = ${code} AND ${col(t, 'system')} = ${system})`;
}

function valueSetOf(ctx: BuildContext, url: string): CodeSet {
  const set = ctx.terminology.valueSet(url);
  if (!set) throw badRequest(`ValueSet ${url} is not held by this server (needed for :in / :not-in)`);
  return set;
}

/** The token row is one of the set's (system, code) pairs, or in one of its whole systems minus exclusions. */
export function codeSetMatch(t: string, set: CodeSet): Sql {
  const parts: Sql[] = [];
  for (const [system, codes] of set.codes) {
    const systemCondition = system === '' ? sql`${col(t, 'system')} IS NULL` : sql`${col(t, 'system')} = ${system}`;
    parts.push(sql`(${systemCondition} AND ${col(t, 'code')} = ANY(${[...codes].map(indexKey)}::text[]))`);
  }
  for (const system of set.wholeSystems) {
    const excluded = [...(set.excluded.get(system) ?? [])];
    parts.push(excluded.length > 0
      ? sql`(${col(t, 'system')} = ${system} AND ${col(t, 'code')} IS NOT NULL AND ${col(t, 'code')} <> ALL(${excluded}::text[]))`
      : sql`(${col(t, 'system')} = ${system} AND ${col(t, 'code')} IS NOT NULL)`);
  }
  return orOf(parts);
}

/** :below — the code or any descendant; :above — the code or any ancestor (from the CodeSystem on this server). */
function hierarchyMatch(ctx: BuildContext, t: string, value: SearchValue, direction: 'above' | 'below'): Sql {
  const { system, code } = splitSystem(value.raw);
  if (!system) return sql`${col(t, 'code')} = ${indexKey(code)}`;
  const codes = ctx.terminology.hierarchy(system, code, direction) ?? [code];
  return sql`(${col(t, 'system')} = ${indexKey(system)} AND ${col(t, 'code')} = ANY(${codes.map(indexKey)}::text[]))`;
}
