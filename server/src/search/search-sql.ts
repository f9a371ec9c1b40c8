/** SearchRequest → SQL over the resource table and the per-type index tables. Values only as placeholders. */
import { badRequest, notSupported } from '../errors';
import { join, raw, Sql, sql } from '../store/sql';
import { parseDateRange } from './dates';
import { normalizeString } from './normalize';
import { getSearchParam } from './registry';
import { SearchFilter, SearchRequest, SearchValue } from './search-request';

/** The WHERE clause for `r` (a row of `resource`) matching every filter of the request. */
export function buildWhere(request: SearchRequest): Sql {
  const conditions = [sql`r.resource_type = ${request.resourceType}`, sql`NOT r.deleted`];
  for (const filter of request.filters) conditions.push(filterCondition(request.resourceType, filter));
  return join(conditions, ' AND ');
}

function filterCondition(resourceType: string, filter: SearchFilter): Sql {
  if (filter.modifier === 'missing') return missingCondition(resourceType, filter);
  if (filter.code === '_id') return orOf(filter.values.map((v) => sql`r.id = ${unescape(v.raw)}`), filter.modifier === 'not');
  if (filter.code === '_lastUpdated') return orOf(filter.values.map((v) => dateCompare(sql`r.last_updated`, sql`r.last_updated`, v)));
  const param = getSearchParam(resourceType, filter.code);
  if (!param) throw badRequest(`Unknown search parameter ${filter.code} for ${resourceType}`);
  const code = filter.code;
  switch (param.type) {
    case 'token':
      if (filter.modifier === 'not') {
        return sql`NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.res_id = r.res_id AND t.param = ${code} AND (${orOf(filter.values.map(tokenMatch))}))`;
      }
      if (filter.modifier === 'text') {
        return exists('idx_token', 't', code, resourceType, orOf(filter.values.map((v) => sql`t.text_norm LIKE ${likePrefix(v.raw)}`)));
      }
      if (filter.modifier) throw notSupported(`Modifier :${filter.modifier} is not supported on token parameter ${code}`);
      return exists('idx_token', 't', code, resourceType, orOf(filter.values.map(tokenMatch)));
    case 'string':
      return exists('idx_string', 's', code, resourceType, orOf(filter.values.map((v) => stringMatch(v, filter.modifier))));
    case 'date':
      return exists('idx_date', 'd', code, resourceType, orOf(filter.values.map((v) => dateCompare(sql`d.low`, sql`d.high`, v))));
    case 'uri':
      return exists('idx_uri', 'u', code, resourceType, orOf(filter.values.map((v) => sql`u.value = ${unescape(v.raw)}`)));
    case 'reference':
      return exists('idx_reference', 'f', code, resourceType, orOf(filter.values.map((v) => referenceMatch(v, filter.modifier))));
    case 'number':
      return exists('idx_number', 'n', code, resourceType, orOf(filter.values.map((v) => numberCompare(v))));
    default:
      throw notSupported(`Search parameter ${code} (type ${param.type}) is not supported yet`);
  }
}

function exists(table: string, alias: string, code: string, resourceType: string, condition: Sql): Sql {
  return sql`EXISTS (SELECT 1 FROM ${raw(table)} ${raw(alias)} WHERE ${raw(alias)}.res_id = r.res_id
    AND ${raw(alias)}.resource_type = ${resourceType} AND ${raw(alias)}.param = ${code} AND (${condition}))`;
}

function missingCondition(resourceType: string, filter: SearchFilter): Sql {
  const missing = filter.values[0]?.raw === 'true';
  const present = sql`EXISTS (SELECT 1 FROM idx_present p WHERE p.res_id = r.res_id AND p.param = ${filter.code})`;
  void resourceType;
  return missing ? sql`NOT ${present}` : present;
}

function orOf(conditions: Sql[], negate = false): Sql {
  const combined = conditions.length === 1 ? conditions[0] : sql`(${join(conditions, ' OR ')})`;
  return negate ? sql`NOT ${combined}` : combined;
}

/** Splits `system|code` on the first unescaped bar. */
function splitToken(value: string): { system?: string; code: string } {
  const m = /^((?:[^|\\]|\\.)*)\|(.*)$/.exec(value);
  if (!m) return { code: unescape(value) };
  return { system: unescape(m[1]), code: unescape(m[2]) };
}

function tokenMatch(value: SearchValue): Sql {
  const { system, code } = splitToken(value.raw);
  if (system === undefined) return sql`t.code = ${code}`;
  if (system === '') return sql`(t.code = ${code} AND t.system IS NULL)`;
  if (code === '') return sql`t.system = ${system}`;
  return sql`(t.code = ${code} AND t.system = ${system})`;
}

function stringMatch(value: SearchValue, modifier: string | undefined): Sql {
  const text = unescape(value.raw);
  if (modifier === 'exact') return sql`s.value_exact = ${text}`;
  if (modifier === 'contains') return sql`s.value_norm LIKE ${'%' + escapeLike(normalizeString(text)) + '%'}`;
  if (modifier) throw notSupported(`Modifier :${modifier} is not supported on string parameters`);
  return sql`s.value_norm LIKE ${likePrefix(text)}`;
}

function likePrefix(text: string): string {
  return escapeLike(normalizeString(unescape(text))) + '%';
}

function referenceMatch(value: SearchValue, modifier: string | undefined): Sql {
  const ref = unescape(value.raw);
  const local = /^(?:([A-Z][A-Za-z]+)\/)?([A-Za-z0-9\-.]{1,64})$/.exec(ref);
  const type = modifier ?? local?.[1];
  if (local && type) return sql`(f.target_id = ${local[2]} AND f.target_type = ${type})`;
  if (local) return sql`f.target_id = ${local[2]}`;
  return sql`f.target_url = ${ref}`;
}

/** Compares the stored range [low, high] with the range the search value implies, per the prefix. */
function dateCompare(low: Sql, high: Sql, value: SearchValue): Sql {
  const range = parseDateRange(value.raw);
  if (!range) throw badRequest(`Invalid date in search: ${value.raw}`);
  const [lo, hi] = [range.low, range.high];
  switch (value.prefix ?? 'eq') {
    case 'eq': return sql`(${low} >= ${lo} AND ${high} <= ${hi})`;
    case 'ne': return sql`(${low} < ${lo} OR ${high} > ${hi})`;
    case 'gt': return sql`${high} > ${hi}`;
    case 'lt': return sql`${low} < ${lo}`;
    case 'ge': return sql`${high} >= ${lo}`;
    case 'le': return sql`${low} <= ${hi}`;
    case 'sa': return sql`${low} > ${hi}`;
    case 'eb': return sql`${high} < ${lo}`;
    case 'ap': {
      const slack = Math.max((hi.getTime() - lo.getTime()) * 0.1, 86_400_000);
      return sql`(${low} <= ${new Date(hi.getTime() + slack)} AND ${high} >= ${new Date(lo.getTime() - slack)})`;
    }
  }
}

function numberCompare(value: SearchValue): Sql {
  const n = Number(value.raw);
  if (!Number.isFinite(n)) throw badRequest(`Invalid number in search: ${value.raw}`);
  switch (value.prefix ?? 'eq') {
    case 'eq': return sql`n.value = ${value.raw}::numeric`;
    case 'ne': return sql`n.value <> ${value.raw}::numeric`;
    case 'gt': case 'sa': return sql`n.value > ${value.raw}::numeric`;
    case 'lt': case 'eb': return sql`n.value < ${value.raw}::numeric`;
    case 'ge': return sql`n.value >= ${value.raw}::numeric`;
    case 'le': return sql`n.value <= ${value.raw}::numeric`;
    case 'ap': return sql`n.value BETWEEN ${n * 0.9}::numeric AND ${n * 1.1}::numeric`;
  }
}

function unescape(value: string): string {
  return value.replace(/\\([\\,$|])/g, '$1');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => '\\' + ch);
}
