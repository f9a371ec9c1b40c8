/** The Parameters an IOP operation answers with: named outputs, and warnings as an OperationOutcome part. */
import type { OperationOutcome, Parameters, ParametersParameter, Reference, Resource } from '@medplum/fhirtypes';
import { issue, outcome } from '../../errors';

export function parameters(...parameter: (ParametersParameter | undefined)[]): Parameters {
  return { resourceType: 'Parameters', parameter: parameter.filter((p): p is ParametersParameter => p !== undefined) };
}

export const out = {
  string: (name: string, value: string | undefined): ParametersParameter | undefined => (value === undefined ? undefined : { name, valueString: value }),
  code: (name: string, value: string | undefined): ParametersParameter | undefined => (value === undefined ? undefined : { name, valueCode: value }),
  date: (name: string, value: string | undefined): ParametersParameter | undefined => (value === undefined ? undefined : { name, valueDate: value }),
  dateTime: (name: string, value: string | undefined): ParametersParameter | undefined => (value === undefined ? undefined : { name, valueDateTime: value }),
  integer: (name: string, value: number | undefined): ParametersParameter | undefined => (value === undefined ? undefined : { name, valueInteger: value }),
  decimal: (name: string, value: number | null | undefined): ParametersParameter | undefined =>
    (value === undefined || value === null ? undefined : { name, valueDecimal: Math.round(value * 10000) / 10000 }),
  boolean: (name: string, value: boolean | null | undefined): ParametersParameter | undefined =>
    (value === undefined || value === null ? undefined : { name, valueBoolean: value }),
  reference: (name: string, value: Reference | string | undefined): ParametersParameter | undefined =>
    (value === undefined ? undefined : { name, valueReference: typeof value === 'string' ? { reference: value } : value }),
  resource: (name: string, value: Resource | undefined): ParametersParameter | undefined => (value === undefined ? undefined : { name, resource: value }),
  parts: (name: string, ...part: (ParametersParameter | undefined)[]): ParametersParameter => ({ name, part: part.filter((p): p is ParametersParameter => p !== undefined) }),
};

/** Warnings and information for the caller, as the `outcome` output (absent when there is nothing to say). */
export function outcomePart(warnings: readonly string[], information: readonly string[] = []): ParametersParameter | undefined {
  if (warnings.length === 0 && information.length === 0) return undefined;
  const body: OperationOutcome = outcome(
    ...warnings.map((w) => issue('warning', 'business-rule', w)),
    ...information.map((i) => issue('information', 'informational', i)),
  );
  return { name: 'outcome', resource: body };
}
