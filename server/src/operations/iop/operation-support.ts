/**
 * What every IOP operation shares: its OperationDefinition from profiles/operations/, the clock, the program time
 * zone, and the Parameters it answers with (named outputs; warnings as an OperationOutcome part).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OperationDefinition, OperationOutcome, Parameters, ParametersParameter, Reference, Resource } from '@medplum/fhirtypes';
import { issue, outcome } from '../../errors';
import type { FhirContext } from '../../fhir/types';

const DEFINITIONS_DIR = path.resolve(__dirname, '../../../../profiles/operations');

/** Our OperationDefinition `profiles/operations/OperationDefinition-<name>.json`. */
export function iopOperationDefinition(name: string): OperationDefinition {
  return JSON.parse(readFileSync(path.join(DEFINITIONS_DIR, `OperationDefinition-${name}.json`), 'utf8')) as OperationDefinition;
}

/**
 * The time an operation acts at. Always the real clock for HTTP requests; code that builds history on purpose
 * (the demo organisation) passes `now` on the context, as domain/ takes `now` instead of reading the clock.
 */
export function nowOf(ctx: FhirContext): Date {
  return (ctx as FhirContext & { now?: Date }).now ?? new Date();
}

export function withNow(ctx: FhirContext, now: Date): FhirContext {
  return { ...ctx, now } as FhirContext;
}

/** Program-local rules (weeks, days, session times) need a zone; programs here run on US Central time. */
export const DEFAULT_PROGRAM_TIME_ZONE = 'America/Chicago';

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
