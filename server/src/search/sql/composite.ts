/**
 * composite parameters (`code-value-quantity=http://loinc.org|8480-6$gt100`): each component is matched in its own
 * type's table, and all components must come from the same element (same res_id and grp).
 */
import { badRequest } from '../../errors';
import { raw, Sql, sql } from '../../store/sql';
import { isDecimal, splitPrefix } from '../parse-filter';
import type { CompositeComponent, RegisteredParam } from '../registry';
import type { ParamFilter, SearchValue } from '../search-request';
import { splitUnescaped } from '../values';
import { BuildContext, col, IndexTable, orOf, Scope, TABLE_ALIAS, typeCondition } from './context';
import { dateValueMatch } from './date';
import { numberValueMatch, quantityValueMatch } from './number';
import { referenceValueMatch } from './reference';
import { stringValueMatch } from './string';
import { tokenValueMatch } from './token';
import { uriValueMatch } from './uri';

const TABLE_OF: Record<string, IndexTable> = {
  string: 'idx_string', token: 'idx_token', date: 'idx_date', number: 'idx_number', quantity: 'idx_quantity', uri: 'idx_uri', reference: 'idx_reference',
};

export function compositeCondition(ctx: BuildContext, scope: Scope, filter: ParamFilter, param: RegisteredParam): Sql {
  const components = param.components;
  if (!components) throw badRequest(`Composite parameter ${filter.code} cannot be searched`);
  return orOf(filter.values.map((value) => compositeValueMatch(ctx, scope, filter.code, components, value)));
}

function compositeValueMatch(ctx: BuildContext, scope: Scope, code: string, components: CompositeComponent[], value: SearchValue): Sql {
  const parts = splitUnescaped(value.raw, '$');
  if (parts.length !== components.length) {
    throw badRequest(`${code} takes ${components.length} values separated by $, not "${value.raw}"`);
  }
  const aliases = components.map((component) => ctx.nextAlias(TABLE_ALIAS[tableOf(component)]));
  const [first, ...rest] = components;
  const from = [sql`${raw(tableOf(first))} ${raw(aliases[0])}`];
  const where = [
    sql`${col(aliases[0], 'res_id')} = ${col(scope.alias, 'res_id')}`,
    typeCondition(aliases[0], scope.types),
    sql`${col(aliases[0], 'param')} = ${first.code}`,
  ];
  rest.forEach((component, i) => {
    const alias = aliases[i + 1];
    from.push(sql`JOIN ${raw(tableOf(component))} ${raw(alias)} ON ${col(alias, 'res_id')} = ${col(aliases[0], 'res_id')}
      AND ${col(alias, 'grp')} = ${col(aliases[0], 'grp')} AND ${col(alias, 'param')} = ${component.code}`);
  });
  components.forEach((component, i) => where.push(componentMatch(ctx, code, component, aliases[i], parts[i])));
  return sql`EXISTS (SELECT 1 FROM ${from.reduce((a, b) => sql`${a} ${b}`)} WHERE ${where.reduce((a, b) => sql`${a} AND ${b}`)})`;
}

function tableOf(component: CompositeComponent): IndexTable {
  const table = TABLE_OF[component.type];
  if (!table) throw badRequest(`Composite component ${component.code} of type ${component.type} cannot be searched`);
  return table;
}

function componentMatch(ctx: BuildContext, code: string, component: CompositeComponent, alias: string, text: string): Sql {
  const ordered = component.type === 'date' || component.type === 'number' || component.type === 'quantity';
  const value: SearchValue = ordered ? splitPrefix(text) : { raw: text };
  if ((component.type === 'number' || component.type === 'quantity') && !isDecimal(splitUnescaped(value.raw, '|')[0])) {
    throw badRequest(`Invalid ${component.type} in ${code} (component ${component.code}): ${JSON.stringify(text.slice(0, 100))}`, [code]);
  }
  switch (component.type) {
    case 'token': return tokenValueMatch(alias, value);
    case 'string': return stringValueMatch(alias, value);
    case 'date': return dateValueMatch(ctx, col(alias, 'low'), col(alias, 'high'), value);
    case 'number': return numberValueMatch(alias, value);
    case 'quantity': return quantityValueMatch(alias, value);
    case 'uri': return uriValueMatch(alias, value);
    case 'reference': return referenceValueMatch(ctx, alias, value);
    default: throw badRequest(`Composite component type ${component.type} is not supported`);
  }
}
