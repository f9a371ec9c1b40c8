/**
 * R4 observation-vitalsigns.html: an Observation in the vital-signs category SHALL conform to the vital-signs
 * profile, and to the specific one for its LOINC code (bp for 85354-9, heartrate for 8867-4, …). The code → profile
 * table is read once from the core profiles themselves (the code.coding slice each one fixes).
 */
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import { compileElementTree } from './profile/element-tree';
import { coreProfilesDerivedFrom } from './profile-registry';

export const VITAL_SIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
const CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';

let byCode: Map<string, string> | undefined;

/** The vital-signs profiles that the category and code of `resource` make it subject to (none for other resources). */
export function impliedVitalSignsProfiles(resource: Resource): string[] {
  if (resource.resourceType !== 'Observation' || !isVitalSign(resource)) return [];
  const codes = vitalSignProfilesByCode();
  const specific = (resource.code?.coding ?? []).map((c) => codes.get(`${c.system}|${c.code}`)).filter((url): url is string => !!url);
  return [VITAL_SIGNS_PROFILE, ...new Set(specific)];
}

function isVitalSign(observation: { category?: { coding?: { system?: string; code?: string }[] }[] }): boolean {
  return (observation.category ?? []).some((c) => (c.coding ?? []).some((coding) => coding.system === CATEGORY_SYSTEM && coding.code === 'vital-signs'));
}

function vitalSignProfilesByCode(): Map<string, string> {
  if (!byCode) {
    byCode = new Map();
    for (const definition of coreProfilesDerivedFrom(VITAL_SIGNS_PROFILE)) {
      const code = fixedCodeOf(definition);
      if (code) byCode.set(code, definition.url!);
    }
  }
  return byCode;
}

/** `system|code` of the Observation.code.coding slice that the profile fixes (vitalspanel's is 0..1 in R4, so any slice). */
function fixedCodeOf(definition: StructureDefinition): string | undefined {
  const coding = compileElementTree(definition).root.children.get('code')?.children.get('coding');
  for (const slice of coding?.slicing?.slices ?? []) {
    const system = slice.children.get('system')?.fixed?.value;
    const code = slice.children.get('code')?.fixed?.value;
    if (typeof system === 'string' && typeof code === 'string') return `${system}|${code}`;
  }
  return undefined;
}
