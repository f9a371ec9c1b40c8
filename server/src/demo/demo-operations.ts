/** The demo calls the IOP operations exactly as a client would: through the route table, with Parameters. */
import type { Bundle, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { dispatch } from '../fhir/router';
import type { FhirContext } from '../fhir/types';

export async function callOperation(ctx: FhirContext, path: string, parameter: ParametersParameter[]): Promise<Parameters> {
  const body: Parameters = { resourceType: 'Parameters', parameter };
  return (await dispatch({ method: 'POST', path, query: {}, body, headers: {} }, ctx)).body as Parameters;
}

export async function postResource<T extends Resource>(ctx: FhirContext, path: string, resource: Resource): Promise<T> {
  return (await dispatch({ method: 'POST', path, query: {}, body: resource, headers: {} }, ctx)).body as T;
}

export async function putResource(ctx: FhirContext, resource: Resource): Promise<void> {
  await dispatch({ method: 'PUT', path: `${resource.resourceType}/${resource.id}`, query: {}, body: resource, headers: {} }, ctx);
}

export async function search<T extends Resource>(ctx: FhirContext, path: string, query: Record<string, string>): Promise<T[]> {
  const q = Object.fromEntries(Object.entries({ ...query, _count: '1000' }).map(([k, v]) => [k, [v]]));
  const bundle = (await dispatch({ method: 'GET', path, query: q, headers: {} }, ctx)).body as Bundle;
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
}

export const ref = (reference: string) => ({ reference });
export const param = {
  ref: (name: string, reference: string): ParametersParameter => ({ name, valueReference: { reference } }),
  date: (name: string, value: string): ParametersParameter => ({ name, valueDate: value }),
  code: (name: string, value: string): ParametersParameter => ({ name, valueCode: value }),
  string: (name: string, value: string): ParametersParameter => ({ name, valueString: value }),
  integer: (name: string, value: number): ParametersParameter => ({ name, valueInteger: value }),
  coding: (name: string, system: string, code: string): ParametersParameter => ({ name, valueCoding: { system, code } }),
  parts: (name: string, ...part: ParametersParameter[]): ParametersParameter => ({ name, part }),
};

/** A deterministic number in [0, 100) for a pair of indexes (the demo's "random" choices). */
export function dice(a: number, b: number): number {
  let h = 2166136261;
  for (const n of [a, b, a * 31 + b]) h = Math.imul(h ^ n, 16777619) >>> 0;
  return h % 100;
}
