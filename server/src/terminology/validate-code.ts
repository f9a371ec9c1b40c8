/**
 * $validate-code against a value set (its expansion) or a code system: is the code (or any coding of a
 * CodeableConcept) a member, and is the display, if given, one the system knows?
 */
import type { Parameters } from '@medplum/fhirtypes';
import type { CodeSystemIndex } from './code-system-index';
import type { Expansion } from './expand-value-set';

export interface CodeToValidate {
  system?: string;
  code: string;
  display?: string;
}

interface Verdict {
  valid: boolean;
  message?: string;
  display?: string;
}

export function validateInValueSet(
  expansion: Expansion,
  valueSetUrl: string,
  codes: CodeToValidate[],
  codeSystemOf: (system: string) => CodeSystemIndex | undefined,
): Parameters {
  return toParameters(codes.map((c) => {
    const entry = expansion.find(c.system, c.code);
    if (!entry) {
      const caveat = expansion.complete ? '' : ' (as far as this server knows: it holds only part of a code system the value set uses)';
      return { valid: false, message: `${describe(c)} is not in the value set ${valueSetUrl}${caveat}` };
    }
    return checkDisplay(c, entry.display, entry.system ? codeSystemOf(entry.system) : undefined);
  }));
}

export function validateInCodeSystem(index: CodeSystemIndex, codes: CodeToValidate[]): Parameters {
  return toParameters(codes.map((c) => {
    if (c.system !== undefined && c.system !== index.url) {
      return { valid: false, message: `${describe(c)} is not from the code system ${index.url}` };
    }
    const entry = index.get(c.code);
    if (!entry) return { valid: false, message: `${describe({ ...c, system: index.url })} is not in the code system ${index.url}` };
    return checkDisplay(c, entry.display, index);
  }));
}

function checkDisplay(c: CodeToValidate, display: string | undefined, index: CodeSystemIndex | undefined): Verdict {
  if (c.display === undefined || display === undefined) return { valid: true, display };
  const known = [display, ...(index?.get(c.code)?.designation ?? []).map((d) => d.value)].filter((d): d is string => !!d);
  if (known.some((d) => normalize(d) === normalize(c.display!))) return { valid: true, display };
  return { valid: false, display, message: `The display ${JSON.stringify(c.display)} is not a display of ${describe(c)}; expected ${JSON.stringify(display)}` };
}

/** Valid when any coding is valid (a CodeableConcept); the messages say why the others are not. */
function toParameters(verdicts: Verdict[]): Parameters {
  const valid = verdicts.find((v) => v.valid);
  const messages = verdicts.filter((v) => !v.valid && v.message).map((v) => v.message!);
  const display = (valid ?? verdicts.find((v) => v.display))?.display;
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'result', valueBoolean: valid !== undefined },
      ...(messages.length > 0 && !valid ? [{ name: 'message', valueString: messages.join('; ') }] : []),
      ...(display ? [{ name: 'display', valueString: display }] : []),
    ],
  };
}

function describe(c: CodeToValidate): string {
  return c.system ? `Code ${JSON.stringify(c.code)} of ${c.system}` : `Code ${JSON.stringify(c.code)}`;
}

function normalize(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
