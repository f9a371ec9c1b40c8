/**
 * The terminology content holds together: one resource per file under our canonical base, every code a value set
 * or ConceptMap names exists in the code system we ship for it, external systems are licensed subsets with their
 * notes (CPT and NUBC with our own labels only), and the codes ../shared/domain/IOP.md asks for are all there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeSystem, CodeSystemConcept, ConceptMap, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

const ROOT = path.join(__dirname, '../..');
const DIR = path.join(ROOT, 'terminology');
const files = readdirSync(DIR).filter((n) => n.endsWith('.json'));
const resources = files.map((n) => ({ file: n, resource: JSON.parse(readFileSync(path.join(DIR, n), 'utf8')) }));
const codeSystems = resources.map((r) => r.resource).filter((r): r is CodeSystem => r.resourceType === 'CodeSystem');
const valueSets = resources.map((r) => r.resource).filter((r): r is ValueSet => r.resourceType === 'ValueSet');
const conceptMaps = resources.map((r) => r.resource).filter((r): r is ConceptMap => r.resourceType === 'ConceptMap');
const licences = readFileSync(path.join(DIR, 'LICENSES.md'), 'utf8');

const OWN = 'http://iop-fhir.org/fhir/';
const CPT = 'http://www.ama-assn.org/go/cpt';
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const NUBC = 'https://www.nubc.org/CodeSystem/';
/** Code systems we reference without shipping them: R4 core has them in full. */
const CORE_SYSTEMS = new Set([
  'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  'http://terminology.hl7.org/CodeSystem/goal-achievement', 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode',
]);

function flatten(concepts: CodeSystemConcept[] = []): CodeSystemConcept[] {
  return concepts.flatMap((c) => [c, ...flatten(c.concept)]);
}
const codesBySystem = new Map(codeSystems.map((cs) => [cs.url as string, new Map(flatten(cs.concept).map((c) => [c.code, c]))]));
const system = (url: string) => {
  const codes = codesBySystem.get(url);
  if (!codes) throw new Error(`no code system ${url}`);
  return codes;
};

test('one resource per file, named after its type and id, under our canonical base', () => {
  for (const { file, resource } of resources) {
    expect(file).toBe(`${resource.resourceType}-${resource.id}.json`);
    expect(resource.name).toBeTruthy();
    expect(resource.title).toBeTruthy();
    if (resource.resourceType !== 'CodeSystem' || resource.content !== 'fragment') expect(resource.url).toBe(`${OWN}${resource.resourceType}/${resource.id}`);
  }
  expect(new Set(resources.map((r) => r.resource.url)).size).toBe(resources.length);
});

test('every code a value set enumerates exists in the code system we ship (or in R4 core)', () => {
  const missing: string[] = [];
  for (const vs of valueSets) {
    for (const include of [...(vs.compose?.include ?? []), ...(vs.compose?.exclude ?? [])]) {
      if (!include.system || CORE_SYSTEMS.has(include.system)) continue;
      for (const concept of include.concept ?? []) if (!system(include.system).has(concept.code)) missing.push(`${vs.id}: ${include.system}|${concept.code}`);
      for (const filter of include.filter ?? []) if (!system(include.system).has(filter.value)) missing.push(`${vs.id}: filter ${filter.value}`);
    }
  }
  expect(missing).toEqual([]);
});

test('every ConceptMap source and target code exists, and each target has an equivalence', () => {
  const missing: string[] = [];
  for (const map of conceptMaps) {
    for (const group of map.group ?? []) {
      for (const element of group.element ?? []) {
        if (!system(group.source as string).has(element.code as string)) missing.push(`${map.id}: source ${element.code}`);
        for (const target of element.target ?? []) {
          expect(target.equivalence).toBeTruthy();
          if (target.code && !system(group.target as string).has(target.code)) missing.push(`${map.id}: target ${target.code}`);
        }
      }
    }
  }
  expect(missing).toEqual([]);
});

test('every value set a profile binds to is shipped', () => {
  const ours = new Set(valueSets.map((vs) => vs.url));
  const profiles = readdirSync(path.join(ROOT, 'profiles')).filter((n) => n.startsWith('StructureDefinition-'))
    .map((n) => JSON.parse(readFileSync(path.join(ROOT, 'profiles', n), 'utf8')) as StructureDefinition);
  const bound = profiles.flatMap((sd) => sd.snapshot?.element ?? []).map((e) => e.binding?.valueSet?.split('|')[0])
    .filter((url): url is string => !!url && url.startsWith(OWN));
  expect(bound.length).toBeGreaterThan(20);
  expect([...new Set(bound)].filter((url) => !ours.has(url))).toEqual([]);
});

test('external code systems are fragments with a licence note, each listed in LICENSES.md', () => {
  const external = codeSystems.filter((cs) => !cs.url?.startsWith(OWN));
  expect(external.map((cs) => cs.url).sort()).toEqual([
    'http://hl7.org/fhir/sid/icd-10-cm', 'http://loinc.org', CPT, 'http://www.nlm.nih.gov/research/umls/rxnorm', HCPCS,
    'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
    'https://www.cms.gov/medicare/payment/prospective-payment-systems/hospital-outpatient/apc',
    `${NUBC}ConditionCodes`, `${NUBC}RevenueCodes`, `${NUBC}TypeOfBill`,
  ]);
  for (const cs of external) {
    expect(cs.content).toBe('fragment');
    expect(cs.copyright).toBeTruthy();
    expect(licences).toContain(cs.url);
    expect(licences).toContain(`${cs.resourceType}-${cs.id}.json`);
  }
});

test('CPT and NUBC carry codes with our own short labels, and say so', () => {
  const cpt = codeSystems.find((cs) => cs.url === CPT) as CodeSystem;
  expect(cpt.copyright).toMatch(/NOT included/);
  for (const cs of codeSystems.filter((c) => c.url === CPT || c.url?.startsWith(NUBC))) {
    expect(cs.copyright).toMatch(/own labels/);
    for (const concept of flatten(cs.concept)) {
      expect(concept.definition).toBeUndefined();
      expect((concept.display ?? '').length).toBeLessThanOrEqual(60);
    }
  }
});

test('the codes IOP.md names are present', () => {
  expect([...system(HCPCS).keys()]).toEqual(expect.arrayContaining(['G0410', 'G0411', 'G0129', 'G0176', 'G0177', 'S9480', 'H0015', 'H0035', 'S0201', 'FQ', 'PN', 'PO']));
  expect([...system(CPT).keys()]).toEqual(expect.arrayContaining(['90791', '90792', '90832', '90834', '90837', '90846', '90847', '90849', '90853', '96127', '93', '95']));
  expect([...system('https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set').keys()]).toEqual(expect.arrayContaining(['02', '10', '52', '53', '57', '58']));
  expect([...system(`${NUBC}ConditionCodes`).keys()].sort()).toEqual(['41', '92']);
  expect([...system('http://loinc.org').keys()]).toEqual(expect.arrayContaining(['44249-1', '44261-6', '69737-5', '70274-6', '101697-1', '101698-9', '72109-2', '75626-2', 'LA6568-5', 'LA6571-9']));
  expect([...system(`${OWN}CodeSystem/session-type`).keys()]).toEqual(expect.arrayContaining([
    'group-psychotherapy', 'individual-psychotherapy', 'family-psychotherapy', 'multi-family-group', 'psychiatric-evaluation',
    'medication-management', 'psychoeducation', 'activity-therapy', 'crisis-intervention',
  ]));
  const labels = valueSets.filter((vs) => vs.id?.startsWith('security-')).flatMap((vs) => vs.compose?.include ?? []).flatMap((i) => i.concept ?? []).map((c) => c.code);
  expect(labels).toEqual(expect.arrayContaining(['N', 'R', 'V', 'PSY', 'PSYTHPN', 'SUD', 'ETH', '42CFRPart2']));
});

test('level of care: both ASAM editions and the MH programs, mapped 3rd to 4th edition as IOP.md describes', () => {
  expect(system(`${OWN}CodeSystem/asam-level-of-care-3`).get('2.5')?.display).toMatch(/Partial hospitalization/);
  expect(system(`${OWN}CodeSystem/asam-level-of-care-4`).get('2.5')?.display).toMatch(/High-intensity outpatient/);
  expect([...system(`${OWN}CodeSystem/mh-level-of-care`).keys()]).toEqual(expect.arrayContaining(['mh-iop', 'mh-php']));
  const map = conceptMaps.find((m) => m.id === 'asam-3-to-4') as ConceptMap;
  const targets = (code: string) => map.group?.[0].element?.find((e) => e.code === code)?.target?.map((t) => `${t.code}:${t.equivalence}`);
  expect(targets('2.5')).toEqual(['2.5:equivalent']);
  expect(targets('3.3')).toEqual(['3.1:relatedto', '3.5:relatedto']);
  expect(targets('3.2-WM')).toEqual(['3.7:wider']);
});
