/** Typed reads of operation parameters beyond OperationInput's: required values, references, codes or Codings. */
import type { Coding, Reference } from '@medplum/fhirtypes';
import { isCalendarDate } from '../../domain/calendar-date';
import { badRequest } from '../../errors';
import type { OperationInput } from '../operation-input';

export function requireString(input: OperationInput, name: string): string {
  const value = input.string(name);
  if (value === undefined || value.trim() === '') throw badRequest(`Parameter ${name} is required`);
  return value;
}

export function optionalDate(input: OperationInput, name: string): string | undefined {
  const value = input.string(name);
  if (value === undefined) return undefined;
  if (!isCalendarDate(value.slice(0, 10)) || (value.length > 10 && value[10] !== 'T')) throw badRequest(`Parameter ${name} must be a date YYYY-MM-DD, not ${JSON.stringify(value)}`);
  return value.slice(0, 10);
}

export function requireDate(input: OperationInput, name: string): string {
  const value = optionalDate(input, name);
  if (value === undefined) throw badRequest(`Parameter ${name} (a date YYYY-MM-DD) is required`);
  return value;
}

export function references(input: OperationInput, name: string): Reference[] {
  return input.all(name).map((p) => {
    const reference = p.valueReference ?? (p.valueString ? { reference: p.valueString } : undefined);
    if (!reference?.reference) throw badRequest(`Parameter ${name} must be a Reference`);
    return reference;
  });
}

export function optionalReference(input: OperationInput, name: string): Reference | undefined {
  return references(input, name)[0];
}

export function requireReference(input: OperationInput, name: string): Reference {
  const reference = optionalReference(input, name);
  if (!reference) throw badRequest(`Parameter ${name} (a Reference) is required`);
  return reference;
}

/** A Coding, or a bare code taken to be in `system`. */
export function codings(input: OperationInput, name: string, system: string): Coding[] {
  return input.all(name).map((p) => {
    if (p.valueCoding) return p.valueCoding;
    if (p.valueCodeableConcept?.coding?.[0]) return p.valueCodeableConcept.coding[0];
    const code = p.valueCode ?? p.valueString;
    if (code) return { system, code };
    throw badRequest(`Parameter ${name} must be a code or a Coding`);
  });
}

export function optionalCoding(input: OperationInput, name: string, system: string): Coding | undefined {
  return codings(input, name, system)[0];
}

export function requireCoding(input: OperationInput, name: string, system: string): Coding {
  const coding = optionalCoding(input, name, system);
  if (!coding) throw badRequest(`Parameter ${name} (a code or Coding) is required`);
  return coding;
}
