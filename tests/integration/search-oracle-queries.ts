/**
 * Generates search queries from the data itself: for every searchable parameter of every loaded type, values that
 * occur in the resources, written with each modifier and prefix of the parameter's type.
 */
import { getSearchParameters, TypedValue } from '@medplum/core';
import type { Resource, SearchParameter } from '@medplum/fhirtypes';
import { OracleFilter, valuesOf } from './search-oracle-spec';

export interface GeneratedQuery {
  resourceType: string;
  filters: OracleFilter[];
  /** For the report: type and modifier/prefix. */
  category: string;
}

const SKIP = new Set(['_compartment', '_project', '_lastUpdated', '_content', '_query', '_text', '_filter']);
const RESERVED = /[,|$\\]/;

/** Evenly spread samples of the distinct values a parameter takes over the resources. */
function sampleValues(resources: Resource[], param: SearchParameter, limit: number): TypedValue[] {
  const seen = new Map<string, TypedValue>();
  const step = Math.max(1, Math.floor(resources.length / 40));
  for (let i = 0; i < resources.length && seen.size < limit * 3; i += step) {
    for (const value of valuesOf(resources[i], param)) {
      const key = JSON.stringify(value.value);
      if (!seen.has(key)) seen.set(key, value);
    }
  }
  const all = [...seen.values()];
  const stride = Math.max(1, Math.floor(all.length / limit));
  return all.filter((_, i) => i % stride === 0).slice(0, limit);
}

export function generateQueries(resourceType: string, resources: Resource[]): GeneratedQuery[] {
  const queries: GeneratedQuery[] = [];
  const add = (code: string, type: string, values: string[], modifier?: string, label?: string) => {
    if (values.some((v) => v === '' || RESERVED.test(v.replace(/\|/g, '')))) return;
    queries.push({ resourceType, filters: [{ code, modifier, values }], category: `${type}${label ?? (modifier ? `:${modifier}` : '')}` });
  };
  for (const [code, param] of Object.entries(getSearchParameters(resourceType) ?? {})) {
    if (SKIP.has(code) || !param.expression || param.type === 'composite' || param.type === 'special') continue;
    const samples = sampleValues(resources, param, param.type === 'token' ? 2 : 1);
    if (samples.length === 0) continue;
    add(code, param.type, [queries.length % 2 === 0 ? 'true' : 'false'], 'missing');
    switch (param.type) {
      case 'token': tokenQueries(code, samples, add); break;
      case 'string': stringQueries(code, samples, add); break;
      case 'date': dateQueries(code, samples, add); break;
      case 'reference': referenceQueries(code, samples, add); break;
      case 'number': case 'quantity': numberQueries(code, param.type, samples, add); break;
      case 'uri': for (const s of samples) if (typeof s.value === 'string') add(code, 'uri', [s.value]); break;
    }
  }
  return queries;
}

type Add = (code: string, type: string, values: string[], modifier?: string, label?: string) => void;

function tokenQueries(code: string, samples: TypedValue[], add: Add): void {
  const tokens = samples.flatMap((s) => {
    const v = s.value;
    if (s.type === 'CodeableConcept') return (v.coding ?? []).slice(0, 1).map((c: { system?: string; code?: string }) => ({ system: c.system, code: c.code, text: v.text as string | undefined }));
    if (s.type === 'Coding') return [{ system: v.system, code: v.code, text: v.display }];
    if (s.type === 'Identifier' || s.type === 'ContactPoint') return [{ system: v.system, code: v.value, text: undefined }];
    return typeof v === 'object' ? [] : [{ system: undefined, code: String(v), text: undefined }];
  }).filter((t: { code?: string }) => t.code);
  for (const token of tokens) {
    add(code, 'token', [token.code]);
    if (code !== '_id') add(code, 'token', [`${token.system ?? ''}|${token.code}`], undefined, token.system ? ' system|code' : ' |code');
  }
  if (tokens[0]?.system) add(code, 'token', [`${tokens[0].system}|`], undefined, ' system|');
  if (tokens[0]) add(code, 'token', [tokens[0].code], 'not');
  if (tokens.length > 1) add(code, 'token', [tokens[0].code, tokens[1].code], undefined, ' a,b');
  const text = tokens.find((t: { text?: string }) => t.text)?.text;
  if (text) add(code, 'token', [text.split(/\s+/)[0]], 'text');
}

function stringQueries(code: string, samples: TypedValue[], add: Add): void {
  for (const sample of samples.slice(0, 2)) {
    const v = sample.value;
    const part: string | undefined = typeof v === 'string' ? v : v.family ?? v.city ?? v.line?.[0];
    if (!part || part.length < 2) continue;
    add(code, 'string', [part.slice(0, 3).toLowerCase()]);
    add(code, 'string', [part]);
    add(code, 'string', [part], 'exact');
    add(code, 'string', [part.slice(1, 4)], 'contains');
  }
}

function dateQueries(code: string, samples: TypedValue[], add: Add): void {
  const texts = samples.map((s) => (typeof s.value === 'string' ? s.value : s.value?.start ?? s.value?.end)).filter((t): t is string => !!t);
  const [first] = texts;
  if (!first) return;
  add(code, 'date', [first.slice(0, 10)], undefined, ' eq day');
  for (const prefix of ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb']) add(code, 'date', [`${prefix}${first.slice(0, 7)}`], undefined, ` ${prefix}`);
  add(code, 'date', [`ge${first.slice(0, 4)}`], undefined, ' ge year');
  add(code, 'date', [`lt${first.slice(0, 10)}`], undefined, ' lt day');
}

function referenceQueries(code: string, samples: TypedValue[], add: Add): void {
  for (const sample of samples) {
    const reference: string | undefined = typeof sample.value === 'string' ? sample.value : sample.value?.reference;
    const local = reference && /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(reference);
    if (!local) {
      if (reference) add(code, 'reference', [reference], undefined, ' url');
      continue;
    }
    add(code, 'reference', [reference!], undefined, ' Type/id');
    add(code, 'reference', [local[2]], undefined, ' id');
    add(code, 'reference', [local[2]], local[1], ' :Type');
  }
}

function numberQueries(code: string, type: string, samples: TypedValue[], add: Add): void {
  for (const sample of samples.slice(0, 2)) {
    const quantity = typeof sample.value === 'number' ? { value: sample.value } : sample.value;
    if (typeof quantity?.value !== 'number') continue;
    const text = String(quantity.value);
    if (text.includes('e')) continue;
    add(code, type, [text], undefined, ' eq');
    add(code, type, [`gt${text}`], undefined, ' gt');
    add(code, type, [`le${text}`], undefined, ' le');
    add(code, type, [`ne${text}`], undefined, ' ne');
    if (type === 'quantity' && quantity.system && quantity.code) add(code, type, [`${text}|${quantity.system}|${quantity.code}`], undefined, ' system|code');
    if (type === 'quantity' && quantity.unit) add(code, type, [`${text}||${quantity.unit}`], undefined, ' ||unit');
  }
}

/** Two generated single-filter queries on the same type, AND-ed. */
export function combineQueries(queries: GeneratedQuery[], count: number): GeneratedQuery[] {
  const combined: GeneratedQuery[] = [];
  const byType = new Map<string, GeneratedQuery[]>();
  for (const q of queries) {
    if (q.filters[0].modifier === 'missing') continue;
    if (!byType.has(q.resourceType)) byType.set(q.resourceType, []);
    byType.get(q.resourceType)!.push(q);
  }
  for (const list of byType.values()) {
    for (let i = 0; i + 7 < list.length && combined.length < count; i += Math.max(1, Math.floor(list.length / 6))) {
      const a = list[i];
      const b = list[(i * 7 + 5) % list.length];
      if (a.filters[0].code === b.filters[0].code) continue;
      combined.push({ resourceType: a.resourceType, filters: [...a.filters, ...b.filters], category: 'and' });
    }
  }
  return combined;
}

/** The query string of a generated query (values escaped by URLSearchParams, OR-ed with commas). */
export function queryString(query: GeneratedQuery): string {
  const params = new URLSearchParams();
  for (const filter of query.filters) params.append(filter.modifier ? `${filter.code}:${filter.modifier}` : filter.code, filter.values.join(','));
  return params.toString();
}
