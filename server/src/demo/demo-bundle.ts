/**
 * The demo organisation's base (DESIGN.md §2) as one transaction Bundle: the organisation, two sites, four
 * programs (IOP Program profile, levels of care from terminology/), staff with their roles, 30 patients with
 * their coverages (payer mix, authorizations), diagnoses and treatment goals. Deterministic: every entry is a
 * conditional create on a demo identifier, so loading it twice changes nothing. Everything clinical on top of
 * it (enrollments, sessions, attendance, notes, scores, claims) is made by the IOP operations (seed-demo.ts).
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { attributionGroupEntries } from './demo-attribution-groups';
import type { DemoCalendar } from './demo-calendar';
import { demoPatientName } from './demo-patient-names';

export const DEMO_SYSTEM = 'http://iop-fhir.org/fhir/demo';
const IOP = 'http://iop-fhir.org/fhir';
const MH_LEVEL = `${IOP}/CodeSystem/mh-level-of-care`;
const ASAM_3 = `${IOP}/CodeSystem/asam-level-of-care-3`;


export interface DemoProgram {
  key: string;
  name: string;
  site: 'downtown' | 'northside';
  level: [system: string, code: string];
  programType: string;
  part2: boolean;
  /** The weekly group schedule: days, local start, minutes, facilitator (staff key). */
  schedule: { days: string[]; startTime: string; minutes: number; facilitator: string; topic: string };
}

export const DEMO_PROGRAMS: DemoProgram[] = [
  { key: 'mh-iop-am', name: 'Adult MH IOP – morning', site: 'downtown', level: [MH_LEVEL, 'mh-iop'], programType: 'mh-iop', part2: false,
    schedule: { days: ['mon', 'wed', 'fri'], startTime: '09:00', minutes: 180, facilitator: 'therapist-1', topic: 'CBT skills: catching automatic thoughts' } },
  { key: 'mh-iop-pm', name: 'Adult MH IOP – evening', site: 'downtown', level: [MH_LEVEL, 'mh-iop'], programType: 'mh-iop', part2: false,
    schedule: { days: ['mon', 'tue', 'thu'], startTime: '17:30', minutes: 180, facilitator: 'therapist-2', topic: 'DBT skills: distress tolerance' } },
  { key: 'sud-iop', name: 'SUD IOP (ASAM 2.1) – evening', site: 'northside', level: [ASAM_3, '2.1'], programType: 'sud-iop', part2: true,
    schedule: { days: ['mon', 'wed', 'thu'], startTime: '18:00', minutes: 180, facilitator: 'therapist-3', topic: 'Relapse prevention: high-risk situations' } },
  { key: 'php', name: 'Partial Hospitalization Program', site: 'northside', level: [MH_LEVEL, 'mh-php'], programType: 'mh-php', part2: false,
    schedule: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], startTime: '09:00', minutes: 240, facilitator: 'therapist-4', topic: 'Coping skills and safety planning' } },
];

export const DEMO_STAFF = [
  { key: 'therapist-1', given: 'Maya', family: 'Okonkwo', role: 'Licensed clinical social worker', programs: ['mh-iop-am'] },
  { key: 'therapist-2', given: 'Daniel', family: 'Reyes', role: 'Licensed professional counselor', programs: ['mh-iop-pm'] },
  { key: 'therapist-3', given: 'Hannah', family: 'Lindqvist', role: 'Licensed addiction counselor', programs: ['sud-iop'] },
  { key: 'therapist-4', given: 'Priscilla', family: 'Nakamura', role: 'Licensed marriage and family therapist', programs: ['php'] },
  { key: 'psychiatrist-1', given: 'Arjun', family: 'Mehta', role: 'Psychiatrist', programs: ['mh-iop-am', 'mh-iop-pm', 'php', 'sud-iop'] },
  { key: 'nurse-1', given: 'Grace', family: 'Whitfield', role: 'Psychiatric nurse', programs: ['php', 'sud-iop'] },
  { key: 'manager-1', given: 'Leo', family: 'Brandt', role: 'Program manager', programs: ['mh-iop-am', 'mh-iop-pm', 'sud-iop', 'php'] },
];

/** Payer classes in turn; commercial, Medicare Advantage and Medicaid patients have a prior authorization. */
const PAYERS = ['medicare', 'commercial', 'medicare-advantage', 'medicaid', 'commercial', 'self-pay'] as const;

export interface DemoPatient {
  key: string;
  index: number;
  program: DemoProgram;
  payer: (typeof PAYERS)[number];
  /** Days before today (the programs' local date) the patient was admitted. */
  admittedDaysAgo: number;
}

export const DEMO_PATIENT_COUNT = 30;

export function demoPatients(): DemoPatient[] {
  return Array.from({ length: DEMO_PATIENT_COUNT }, (_, i) => ({
    key: `patient-${String(i + 1).padStart(2, '0')}`,
    index: i,
    program: DEMO_PROGRAMS[i % DEMO_PROGRAMS.length],
    payer: PAYERS[i % PAYERS.length],
    // Admissions spread over the last six weeks: new patients, patients mid-treatment, patients near discharge.
    admittedDaysAgo: 4 + ((i * 11) % 41),
  }));
}

export const urn = (key: string) => `urn:uuid:${uuidFor(key)}`;

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
    resource: { ...resource, identifier: [{ system: DEMO_SYSTEM, value: key }, ...((resource as { identifier?: object[] }).identifier ?? [])] } as Resource,
    request: { method: 'POST', url: resource.resourceType, ifNoneExist: `identifier=${DEMO_SYSTEM}|${key}` },
  };
}

const TIME_ZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';

export function buildDemoBundle(calendar: DemoCalendar): Bundle {
  const entries: BundleEntry[] = [];
  entries.push(entry('org', { resourceType: 'Organization', active: true, name: 'Riverbend Behavioral Health', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }] }));
  entries.push(entry('payer', { resourceType: 'Organization', active: true, name: 'Prairie Health Plan', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'pay' }] }] }));
  for (const site of ['downtown', 'northside'] as const) {
    entries.push(entry(`site-${site}`, {
      resourceType: 'Location', status: 'active', name: `Riverbend ${site === 'downtown' ? 'Downtown' : 'Northside'} Clinic`,
      managingOrganization: { reference: urn('org') },
      // The sites' and programs' zone (the standard extension), so apps show session times on the programs' clock.
      extension: [{ url: TIME_ZONE_EXTENSION, valueCode: calendar.timeZone }],
      address: { line: [site === 'downtown' ? '120 Main Street' : '48 Lake Road'], city: 'Springfield', state: 'IL', postalCode: '62701' },
    }));
  }
  for (const program of DEMO_PROGRAMS) {
    entries.push(entry(`program-${program.key}`, {
      resourceType: 'HealthcareService',
      meta: { profile: [`${IOP}/StructureDefinition/iop-program`] },
      extension: [
        { url: `${IOP}/StructureDefinition/part2-program`, valueBoolean: program.part2 },
        { url: `${IOP}/StructureDefinition/level-of-care`, valueCodeableConcept: { coding: [{ system: program.level[0], code: program.level[1] }] } },
        { url: TIME_ZONE_EXTENSION, valueCode: calendar.timeZone },
      ],
      active: true, name: program.name, providedBy: { reference: urn('org') }, location: [{ reference: urn(`site-${program.site}`) }],
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-category', code: '22', display: 'Mental Health' }] }],
      type: [{ coding: [{ system: `${IOP}/CodeSystem/program-type`, code: program.programType }] }],
    } as Resource));
  }
  for (const staff of DEMO_STAFF) {
    entries.push(entry(staff.key, { resourceType: 'Practitioner', active: true, name: [{ given: [staff.given], family: staff.family }] }));
    for (const programKey of staff.programs) {
      const program = DEMO_PROGRAMS.find((p) => p.key === programKey)!;
      entries.push(entry(`${staff.key}-role-${programKey}`, {
        resourceType: 'PractitionerRole', active: true, practitioner: { reference: urn(staff.key) }, organization: { reference: urn('org') },
        healthcareService: [{ reference: urn(`program-${programKey}`) }], location: [{ reference: urn(`site-${program.site}`) }],
        code: [{ text: staff.role }],
      }));
    }
  }
  for (const patient of demoPatients()) addPatient(entries, patient, calendar);
  entries.push(...attributionGroupEntries(demoPatients(), entry, urn, calendar.daysAgo(365)));
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

function addPatient(entries: BundleEntry[], patient: DemoPatient, calendar: DemoCalendar): void {
  const { key, index: i, program, payer } = patient;
  const birthYear = 1960 + ((i * 7) % 45);
  entries.push(entry(key, {
    resourceType: 'Patient', active: true,
    meta: { profile: [`${IOP}/StructureDefinition/iop-patient`] },
    identifier: [{ system: `${DEMO_SYSTEM}/mrn`, value: `MRN-${1000 + i}` }],
    name: [{ given: [demoPatientName(i).given], family: demoPatientName(i).family }],
    gender: demoPatientName(i).gender,
    birthDate: `${birthYear}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
    managingOrganization: { reference: urn('org') },
  } as Resource));
  const admitted = calendar.daysAgo(patient.admittedDaysAgo);
  const authorized = payer === 'commercial' || payer === 'medicare-advantage' || payer === 'medicaid';
  entries.push(entry(`${key}-coverage`, {
    resourceType: 'Coverage', status: 'active',
    meta: { profile: [`${IOP}/StructureDefinition/iop-coverage`] },
    type: { coding: [{ system: `${IOP}/CodeSystem/payer-class`, code: payer }] },
    subscriberId: `SUB-${4000 + i}`, beneficiary: { reference: urn(key) },
    payor: [{ reference: urn(payer === 'self-pay' ? key : 'payer') }],
    period: { start: calendar.daysAgo(365) },
    ...(authorized ? {
      extension: [{
        url: `${IOP}/StructureDefinition/authorized-units`,
        extension: [
          { url: 'authorizationNumber', valueString: `AUTH-${2000 + i}` },
          // One patient's authorization is nearly used up, to show the warnings.
          { url: 'units', valuePositiveInt: i === 1 ? 8 : 30 },
          { url: 'unitType', valueCode: 'day' },
          { url: 'period', valuePeriod: { start: admitted, end: calendar.daysAgo(patient.admittedDaysAgo - 60) } },
          { url: 'levelOfCare', valueCodeableConcept: { coding: [{ system: program.level[0], code: program.level[1] }] } },
        ],
      }],
    } : {}),
  } as Resource));
  const diagnosis = program.key === 'sud-iop' ? ['F10.20', 'Alcohol dependence, uncomplicated'] : i % 2 === 0 ? ['F33.1', 'Major depressive disorder, recurrent, moderate'] : ['F41.1', 'Generalized anxiety disorder'];
  entries.push(entry(`${key}-diagnosis`, {
    resourceType: 'Condition', subject: { reference: urn(key) }, recordedDate: admitted,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: diagnosis[0], display: diagnosis[1] }] },
  } as Resource));
  if (program.key === 'sud-iop') {
    entries.push(entry(`${key}-goal`, {
      resourceType: 'Goal', lifecycleStatus: 'active', subject: { reference: urn(key) }, startDate: admitted, addresses: [{ reference: urn(`${key}-diagnosis`) }],
      description: { text: 'Alcohol use below the risky range (AUDIT-C under 4), with a written relapse-prevention plan' },
      target: [{ measure: { coding: [{ system: 'http://loinc.org', code: '75626-2', display: 'AUDIT-C total score' }] }, detailQuantity: { value: 4, comparator: '<' }, dueDate: calendar.daysAgo(patient.admittedDaysAgo - 56) }],
    } as Resource));
  } else {
    entries.push(entry(`${key}-goal`, {
      resourceType: 'Goal', lifecycleStatus: 'active', subject: { reference: urn(key) }, startDate: admitted, addresses: [{ reference: urn(`${key}-diagnosis`) }],
      description: { text: 'Depressive symptoms below the moderate range (PHQ-9 under 10)' },
      target: [{ measure: { coding: [{ system: 'http://loinc.org', code: '44261-6', display: 'PHQ-9 total score' }] }, detailQuantity: { value: 10, comparator: '<' }, dueDate: calendar.daysAgo(patient.admittedDaysAgo - 56) }],
    } as Resource));
  }
}
