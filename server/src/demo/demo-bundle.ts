/**
 * The demo organisation (DESIGN.md §2) as one transaction Bundle: two sites, four programs, staff with their
 * roles, 30 patients enrolled in the programs, and four weeks of PHQ-9/GAD-7 totals. Deterministic: the same
 * bundle every time, so loading it twice changes nothing (every entry is a conditional create).
 * The IOP workflow operations will add sessions, attendance, notes and claims on top of this.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';

export const DEMO_SYSTEM = 'http://iop-fhir.org/fhir/demo';
const MRN = 'http://iop-fhir.org/fhir/demo/mrn';

const FAMILIES = ['Walker', 'Smith', 'Schmitt', 'Parisian', 'Koepp', 'Boehm', 'Schumm', 'Murazik', 'Tremblay', 'OHara',
  'Lemke', 'Torp', 'Cole', 'Fisher', 'Nguyen', 'Garcia', 'Okafor', 'Haddad', 'Kowalski', 'Silva'];
const GIVEN = ['Adelina', 'Adrian', 'Ariel', 'Charlotte', 'Cyril', 'Dee', 'Gail', 'Gerald', 'Graig', 'Jarvis', 'Kitty',
  'Loriann', 'Maegan', 'Natalia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tomas'];

interface Program {
  key: string;
  name: string;
  site: 'downtown' | 'northside';
  levelOfCare: string;
  part2: boolean;
}

const PROGRAMS: Program[] = [
  { key: 'mh-iop-am', name: 'Adult MH IOP – morning', site: 'downtown', levelOfCare: 'mh-iop', part2: false },
  { key: 'mh-iop-pm', name: 'Adult MH IOP – evening', site: 'downtown', levelOfCare: 'mh-iop', part2: false },
  { key: 'sud-iop', name: 'SUD IOP (ASAM 2.1) – evening', site: 'northside', levelOfCare: 'asam-2.1', part2: true },
  { key: 'php', name: 'Partial Hospitalization Program', site: 'northside', levelOfCare: 'mh-php', part2: false },
];

const STAFF = [
  { key: 'therapist-1', given: 'Maya', family: 'Okonkwo', role: 'Licensed clinical social worker', programs: ['mh-iop-am', 'mh-iop-pm'] },
  { key: 'therapist-2', given: 'Daniel', family: 'Reyes', role: 'Licensed professional counselor', programs: ['mh-iop-pm', 'php'] },
  { key: 'therapist-3', given: 'Hannah', family: 'Lindqvist', role: 'Licensed addiction counselor', programs: ['sud-iop'] },
  { key: 'psychiatrist-1', given: 'Arjun', family: 'Mehta', role: 'Psychiatrist', programs: ['mh-iop-am', 'mh-iop-pm', 'php', 'sud-iop'] },
  { key: 'nurse-1', given: 'Grace', family: 'Whitfield', role: 'Psychiatric nurse', programs: ['php', 'sud-iop'] },
  { key: 'manager-1', given: 'Leo', family: 'Brandt', role: 'Program manager', programs: ['mh-iop-am', 'mh-iop-pm', 'sud-iop', 'php'] },
];

const urn = (key: string) => `urn:uuid:${uuidFor(key)}`;

/** Stable UUID-shaped fullUrls per key, so references inside the bundle are deterministic. */
function uuidFor(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of key) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 + ch.charCodeAt(0), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function entry(key: string, resource: Resource): BundleEntry {
  return {
    fullUrl: urn(key),
    resource: { ...resource, identifier: [{ system: DEMO_SYSTEM, value: key }] } as Resource,
    request: { method: 'POST', url: resource.resourceType, ifNoneExist: `identifier=${DEMO_SYSTEM}|${key}` },
  };
}

export function buildDemoBundle(now: Date): Bundle {
  const entries: BundleEntry[] = [];
  entries.push(entry('org', { resourceType: 'Organization', active: true, name: 'Riverbend Behavioral Health', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }] }));
  for (const site of ['downtown', 'northside'] as const) {
    entries.push(entry(`site-${site}`, {
      resourceType: 'Location', status: 'active', name: `Riverbend ${site === 'downtown' ? 'Downtown' : 'Northside'} Clinic`,
      managingOrganization: { reference: urn('org') },
      address: { line: [site === 'downtown' ? '120 Main Street' : '48 Lake Road'], city: 'Springfield', state: 'IL', postalCode: '62701' },
    }));
  }
  for (const program of PROGRAMS) {
    entries.push(entry(`program-${program.key}`, {
      resourceType: 'HealthcareService', active: true, name: program.name, providedBy: { reference: urn('org') },
      location: [{ reference: urn(`site-${program.site}`) }],
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-category', code: '22', display: 'Mental Health' }] }],
      characteristic: [
        { coding: [{ system: 'http://iop-fhir.org/fhir/CodeSystem/level-of-care', code: program.levelOfCare }] },
        ...(program.part2 ? [{ coding: [{ system: 'http://iop-fhir.org/fhir/CodeSystem/program-flag', code: '42CFRPart2' }] }] : []),
      ],
    }));
  }
  for (const staff of STAFF) {
    entries.push(entry(staff.key, { resourceType: 'Practitioner', active: true, name: [{ given: [staff.given], family: staff.family }] }));
    for (const programKey of staff.programs) {
      const program = PROGRAMS.find((p) => p.key === programKey)!;
      entries.push(entry(`${staff.key}-role-${programKey}`, {
        resourceType: 'PractitionerRole', active: true, practitioner: { reference: urn(staff.key) }, organization: { reference: urn('org') },
        healthcareService: [{ reference: urn(`program-${programKey}`) }], location: [{ reference: urn(`site-${program.site}`) }],
        code: [{ text: staff.role }],
      }));
    }
  }
  for (let i = 0; i < 30; i++) addPatient(entries, i, now);
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

function addPatient(entries: BundleEntry[], i: number, now: Date): void {
  const key = `patient-${String(i + 1).padStart(2, '0')}`;
  const program = PROGRAMS[i % PROGRAMS.length];
  const birthYear = 1960 + ((i * 7) % 45);
  entries.push(entry(key, {
    resourceType: 'Patient', active: true,
    name: [{ given: [GIVEN[i % GIVEN.length]], family: FAMILIES[(i * 3) % FAMILIES.length] }],
    gender: i % 3 === 0 ? 'male' : i % 3 === 1 ? 'female' : 'other',
    birthDate: `${birthYear}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
    managingOrganization: { reference: urn('org') },
  }));
  const admitted = daysBefore(now, 10 + (i % 30));
  const discharged = i % 10 === 9;
  entries.push(entry(`${key}-episode`, {
    resourceType: 'EpisodeOfCare', status: discharged ? 'finished' : 'active', patient: { reference: urn(key) },
    managingOrganization: { reference: urn('org') },
    type: [{ coding: [{ system: 'http://iop-fhir.org/fhir/CodeSystem/level-of-care', code: program.levelOfCare }], text: program.name }],
    period: { start: admitted, ...(discharged ? { end: daysBefore(now, 1) } : {}) },
    careManager: { reference: urn(STAFF[i % 3].key) },
  }));
  // Weekly PHQ-9 and GAD-7 totals from admission: most improve, a few do not.
  const weeks = Math.min(4, Math.floor((10 + (i % 30)) / 7) + 1);
  const baselinePhq = 12 + (i % 12);
  const baselineGad = 9 + (i % 10);
  for (let w = 0; w < weeks; w++) {
    const improving = i % 5 !== 4;
    const phq = Math.max(0, baselinePhq - (improving ? w * (2 + (i % 3)) : -(w % 2)));
    const gad = Math.max(0, baselineGad - (improving ? w * 2 : 0));
    const date = daysBefore(now, 10 + (i % 30) - w * 7);
    entries.push(entry(`${key}-phq9-w${w}`, scoreObservation(urn(key), '44261-6', 'PHQ-9 total score', phq, date)));
    entries.push(entry(`${key}-gad7-w${w}`, scoreObservation(urn(key), '70274-6', 'GAD-7 total score', gad, date)));
  }
}

function scoreObservation(subject: string, loinc: string, display: string, value: number, date: string): Resource {
  return {
    resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: loinc, display }] },
    subject: { reference: subject }, effectiveDateTime: date,
    valueQuantity: { value, system: 'http://unitsofmeasure.org', code: '{score}', unit: '{score}' },
  };
}

function daysBefore(now: Date, days: number): string {
  const d = new Date(now.getTime() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}
