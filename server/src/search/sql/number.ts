/**
 * number and quantity parameters. A search value stands for the range its precision implies (100 → [99.5, 100.5));
 * a stored value is a point, or a Range's [low, high]. Quantities also match `system|code` (code, or unit when no
 * system is given). Units are compared as written: no UCUM conversion.
 */
import { badRequest } from '../../errors';
import { indexKey } from '../../store/index-keys';
import { Sql, sql } from '../../store/sql';
import type { ParamFilter, SearchValue } from '../search-request';
import { isDecimal } from '../parse-filter';
import { splitUnescaped, unescapeValue } from '../values';
import { BuildContext, col, indexExists, orOf, Scope } from './context';

export function numberCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  return indexExists(ctx, scope, 'idx_number', filter.code, (n) => orOf(filter.values.map((v) => numberValueMatch(n, v))));
}

export function quantityCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter): Sql {
  return indexExists(ctx, scope, 'idx_quantity', filter.code, (q) => orOf(filter.values.map((v) => quantityValueMatch(q, v))));
}

export function numberValueMatch(n: string, value: SearchValue): Sql {
  return compareRange(col(n, 'low'), col(n, 'high'), value.prefix ?? 'eq', value.raw);
}

export function quantityValueMatch(q: string, value: SearchValue): Sql {
  const [number, ...unit] = splitUnescaped(value.raw, '|').map(unescapeValue);
  const [system, code] = unit.map((text) => indexKey(text)); // as the index stores them (store/index-keys.ts)
  const comparison = compareRange(col(q, 'low'), col(q, 'high'), value.prefix ?? 'eq', number);
  if (system === undefined) return comparison;
  if (code === undefined || code === '') {
    if (system === '') return comparison;
    return sql`(${comparison} AND ${col(q, 'system')} = ${system})`;
  }
  if (system === '') return sql`(${comparison} AND (${col(q, 'code')} = ${code} OR ${col(q, 'unit')} = ${code}))`;
  return sql`(${comparison} AND ${col(q, 'system')} = ${system} AND ${col(q, 'code')} = ${code})`;
}

/**
 * [lo, hi): the values a decimal written with this many significant decimals stands for, as exact SQL numerics
 * (JavaScript floats would lose the last digit of values like 178.69452709041775).
 */
export function precisionRange(text: string): { lo: Sql; hi: Sql } {
  // The one place a search number becomes SQL: refuse what numeric would not read (0x10, 1e99999) with a 400.
  if (!isDecimal(text) || !Number.isFinite(Number(text))) throw badRequest(`Invalid number in search: ${JSON.stringify(text.slice(0, 100))}`);
  const [mantissa, exponent = '0'] = text.toLowerCase().split('e');
  const decimals = (mantissa.includes('.') ? mantissa.split('.')[1].length : 0) - Number(exponent);
  const half = `5e${-(decimals + 1)}`;
  return { lo: sql`(${text}::numeric - ${half}::numeric)`, hi: sql`(${text}::numeric + ${half}::numeric)` };
}

function compareRange(low: Sql, high: Sql, prefix: string, text: string): Sql {
  const { lo, hi } = precisionRange(text);
  const v = sql`${text}::numeric`;
  switch (prefix) {
    case 'eq': return sql`(${low} >= ${lo} AND ${high} < ${hi})`;
    case 'ne': return sql`NOT (${low} >= ${lo} AND ${high} < ${hi})`;
    case 'gt': return sql`${high} > ${v}`;
    case 'lt': return sql`${low} < ${v}`;
    case 'ge': return sql`${high} >= ${v}`;
    case 'le': return sql`${low} <= ${v}`;
    case 'sa': return sql`${low} > ${v}`;
    case 'eb': return sql`${high} < ${v}`;
    case 'ap': {
      const n = Number(text);
      const slack = Math.abs(n) * 0.1;
      return sql`(${low} <= ${String(n + slack)}::numeric AND ${high} >= ${String(n - slack)}::numeric)`;
    }
    default:
      throw badRequest(`Unknown prefix ${prefix}`);
  }
}
