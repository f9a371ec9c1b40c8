/**
 * 42 CFR Part 2 labelling rules, as pure functions over data: which resources are Part 2 information, and the
 * security labels they carry. The rules themselves are data — the SUD diagnosis ValueSet and the `part2-program`
 * flag on a program's HealthcareService — and the store applies them on every write (store/part2-label-writer.ts).
 * A resource is Part 2 information when it carries an SUD code of the ValueSet, names a Part 2 program, or refers
 * to a resource that is Part 2 information (an Encounter of a Part 2 EpisodeOfCare, a Claim for that Encounter, the
 * Provenance of its note…): the mere fact of enrolment in an SUD program is Part 2 information.
 */
import type { Coding, Meta, Resource, ValueSet } from '@medplum/fhirtypes';

export const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const PART2_POLICY: Coding = { system: ACT_CODE, code: '42CFRPart2', display: '42 CFR Part2' };
export const SUD_SENSITIVITY: Coding = { system: ACT_CODE, code: 'SUD', display: 'substance use disorder information sensitivity' };
export const RESTRICTED: Coding = { system: CONFIDENTIALITY, code: 'R', display: 'restricted' };
/** Refrain policy: no redisclosure without a consent directive. Carried by every Part 2 copy sent outside the program. */
export const NO_REDISCLOSURE: Coding = { system: ACT_CODE, code: 'NORDSCLCD', display: 'no redisclosure without consent directive' };

export const SUD_VALUESET_URL = 'http://iop-fhir.org/fhir/ValueSet/sud-diagnosis';
export const PART2_PROGRAM_FLAG = 'http://iop-fhir.org/fhir/StructureDefinition/part2-program';

/** Confidentiality codes from least to most restricted: labelling raises, never lowers. */
const CONFIDENTIALITY_ORDER = ['U', 'L', 'M', 'N', 'R', 'V'];

/**
 * Types that are never Part 2 information themselves: the people and places of care, definitions and
 * terminology. (A Patient resource names a person, not their treatment; the program's HealthcareService is public.)
 */
const NEVER_LABELLED = new Set([
  'Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'HealthcareService', 'Endpoint', 'Medication',
  'Substance', 'Questionnaire', 'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'StructureDefinition',
  'SearchParameter', 'OperationDefinition', 'CapabilityStatement', 'ImplementationGuide', 'PlanDefinition',
  'ActivityDefinition', 'Library', 'Measure', 'ObservationDefinition', 'SpecimenDefinition', 'DeviceDefinition',
  'MedicationKnowledge', 'AuditEvent', 'Subscription', 'Binary',
]);

/** One SUD code rule from the ValueSet: an exact code, or (for `is-a` on ICD-10-CM) the code and everything below it. */
export interface SudCodeRule {
  system: string;
  code: string;
  descendants: boolean;
}

export interface Part2Rules {
  sudCodes: SudCodeRule[];
  /** Identifies the rules' content (the ValueSet's version as stored), so a change can start a relabelling job. */
  fingerprint: string;
}

/**
 * The SUD ValueSet as rules: enumerated concepts are exact codes; an `is-a` / `descendent-of` filter on ICD-10-CM is
 * its code and every code below it (ICD-10-CM's hierarchy is its code prefixes: F10.20 is-a F10). Other filters
 * cannot be applied without a terminology server and are reported, not guessed.
 */
export function sudCodeRules(valueSet: ValueSet): { rules: SudCodeRule[]; unsupported: string[] } {
  const rules: SudCodeRule[] = [];
  const unsupported: string[] = [];
  for (const include of valueSet.compose?.include ?? []) {
    if (!include.system) continue;
    for (const concept of include.concept ?? []) rules.push({ system: include.system, code: concept.code, descendants: false });
    for (const filter of include.filter ?? []) {
      const hierarchical = filter.property === 'concept' && (filter.op === 'is-a' || filter.op === 'descendent-of');
      if (hierarchical && include.system === 'http://hl7.org/fhir/sid/icd-10-cm') rules.push({ system: include.system, code: filter.value, descendants: true });
      else unsupported.push(`${include.system} ${filter.property} ${filter.op} ${filter.value}`);
    }
  }
  return { rules, unsupported };
}

export function isLabelledType(resourceType: string): boolean {
  return !NEVER_LABELLED.has(resourceType);
}

export function isPart2Program(resource: Resource | undefined): boolean {
  if (resource?.resourceType !== 'HealthcareService') return false;
  return (resource.extension ?? []).some((e) => e.url === PART2_PROGRAM_FLAG && e.valueBoolean === true);
}

export function carriesPart2Label(resource: Resource): boolean {
  return (resource.meta?.security ?? []).some((c) => c.system === ACT_CODE && c.code === PART2_POLICY.code);
}

/** True when a coding anywhere in the resource (outside meta) is in the SUD ValueSet. */
export function hasSudCode(resource: Resource, rules: SudCodeRule[]): boolean {
  if (rules.length === 0) return false;
  let found = false;
  walk(resource, (node) => {
    if (found || typeof node.system !== 'string' || typeof node.code !== 'string') return;
    const { system, code } = node;
    found = rules.some((rule) => rule.system === system && (rule.code === code || (rule.descendants && code.startsWith(rule.code))));
  });
  return found;
}

/** The local references (`Type/id`, optionally versioned) a resource makes, outside meta. */
export function referencesOf(resource: Resource): { resourceType: string; id: string }[] {
  const seen = new Map<string, { resourceType: string; id: string }>();
  walk(resource, (node) => {
    if (typeof node.reference !== 'string') return;
    const match = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(node.reference);
    if (match) seen.set(`${match[1]}/${match[2]}`, { resourceType: match[1], id: match[2] });
  });
  return [...seen.values()];
}

/** The resource with the Part 2 policy, SUD sensitivity and (at least) restricted confidentiality; labels it had are kept. */
export function withPart2Labels<T extends Resource>(resource: T): T {
  const security = [...(resource.meta?.security ?? [])];
  for (const label of [PART2_POLICY, SUD_SENSITIVITY]) {
    if (!security.some((c) => c.system === label.system && c.code === label.code)) security.push(label);
  }
  const confidentiality = security.filter((c) => c.system === CONFIDENTIALITY);
  const highest = Math.max(-1, ...confidentiality.map((c) => CONFIDENTIALITY_ORDER.indexOf(c.code ?? '')));
  if (highest < CONFIDENTIALITY_ORDER.indexOf('R')) {
    const kept = security.filter((c) => c.system !== CONFIDENTIALITY);
    return withSecurity(resource, [...kept, RESTRICTED]);
  }
  return withSecurity(resource, security);
}

/** The copy sent outside the program: also carries the refrain NORDSCLCD (no redisclosure without consent). */
export function withDisclosureLabel<T extends Resource>(resource: T): T {
  const security = resource.meta?.security ?? [];
  if (security.some((c) => c.system === ACT_CODE && c.code === NO_REDISCLOSURE.code)) return resource;
  return withSecurity(resource, [...security, NO_REDISCLOSURE]);
}

function withSecurity<T extends Resource>(resource: T, security: Coding[]): T {
  const meta: Meta = { ...(resource.meta ?? {}), security };
  return { ...resource, meta };
}

type Node = Record<string, unknown>;

/** Visits every object in the resource except meta (labels and profiles are not content) and contained resources' meta. */
function walk(value: unknown, visit: (node: Node) => void, depth = 0): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit, depth + 1);
    return;
  }
  const node = value as Node;
  visit(node);
  for (const [key, child] of Object.entries(node)) {
    if (key === 'meta' || key === 'text') continue;
    walk(child, visit, depth + 1);
  }
}
