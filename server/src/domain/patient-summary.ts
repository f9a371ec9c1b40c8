/**
 * The International Patient Summary (IPS IG, R4) of an IOP patient as a `document` Bundle, from the resources the
 * caller was allowed to read: a Composition whose sections sort those resources (problems, medications, allergies,
 * PHQ-9/GAD-7 results, plan of care, program episodes, care team), each with a narrative and an `emptyReason` when
 * empty, then every resource the Composition refers to. Pure: the clock and the identifiers are passed in, and what
 * the caller may not see is simply not in `resources`, so no section can reveal it.
 */
import type {
  Bundle, BundleEntry, CodeableConcept, Coding, Composition, CompositionSection, Meta, Organization, Patient, Reference, Resource,
} from '@medplum/fhirtypes';
import { describeResource, nameOf, sectionNarrative } from './summary-narrative';

const LOINC = 'http://loinc.org';
/** Our section codes where LOINC has none that fits (terminology/CodeSystem-summary-section.json). */
export const SUMMARY_SECTION_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/summary-section';
const EMPTY_REASON: CodeableConcept = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable', display: 'Unavailable' }],
};
/** Score totals shown under results: PHQ-9 and GAD-7. */
export const SUMMARY_SCORE_CODES = ['44261-6', '70274-6'];
const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const CONFIDENTIALITY_ORDER = ['U', 'L', 'M', 'N', 'R', 'V'];

export interface SummarySectionRule {
  title: string;
  code: Coding;
  /** Which of the patient's resources belong in the section. */
  holds: (resource: Resource) => boolean;
}

export const SUMMARY_SECTIONS: SummarySectionRule[] = [
  { title: 'Problems', code: { system: LOINC, code: '11450-4', display: 'Problem list - Reported' }, holds: (r) => r.resourceType === 'Condition' },
  {
    title: 'Medications', code: { system: LOINC, code: '10160-0', display: 'History of Medication use Narrative' },
    holds: (r) => r.resourceType === 'MedicationStatement' || r.resourceType === 'MedicationRequest',
  },
  { title: 'Allergies and intolerances', code: { system: LOINC, code: '48765-2', display: 'Allergies and adverse reactions Document' }, holds: (r) => r.resourceType === 'AllergyIntolerance' },
  {
    title: 'Results: PHQ-9 and GAD-7 scores', code: { system: LOINC, code: '30954-2', display: 'Relevant diagnostic tests/laboratory data Narrative' },
    holds: (r) => r.resourceType === 'Observation' && (r.code?.coding ?? []).some((c) => c.system === LOINC && SUMMARY_SCORE_CODES.includes(c.code ?? '')),
  },
  { title: 'Plan of care', code: { system: LOINC, code: '18776-5', display: 'Plan of care note' }, holds: (r) => r.resourceType === 'CarePlan' || r.resourceType === 'Goal' },
  {
    title: 'Program episodes and level of care', code: { system: SUMMARY_SECTION_SYSTEM, code: 'program-episodes', display: 'Program episodes and level of care' },
    holds: (r) => r.resourceType === 'EpisodeOfCare',
  },
  {
    title: 'Care team', code: { system: LOINC, code: '85847-2', display: 'Patient Care team information' },
    holds: (r) => r.resourceType === 'CareTeam',
  },
];

export interface PatientSummaryInput {
  patient: Patient;
  /** The patient's own resources the caller may read (any types; those no section holds are ignored). */
  resources: Resource[];
  /** Shared resources the caller may read that these refer to (practitioners, organisations, programs, medications). */
  supporting: Resource[];
  /** The organisation the document is from (author and custodian). */
  author: Reference<Organization | Patient>;
  baseUrl: string;
  now: Date;
  /** A fresh UUID for the Bundle identifier, and one for the Composition. */
  documentId: string;
  compositionId: string;
}

export function buildPatientSummary(input: PatientSummaryInput): Bundle {
  const { patient, baseUrl } = input;
  const byReference = new Map<string, Resource>([...input.supporting, patient, ...input.resources].map((r) => [`${r.resourceType}/${r.id}`, r]));
  const displayOf = (reference: string | undefined) => nameOf(reference ? byReference.get(reference) : undefined);
  const inSections = new Set<string>();
  const sections = SUMMARY_SECTIONS.map((rule) => {
    const held = sortByDate(input.resources.filter(rule.holds));
    const careManagers = rule.code.code === '85847-2' ? careManagersOf(input.resources, byReference) : [];
    const members = [...held, ...careManagers];
    for (const r of members) inSections.add(`${r.resourceType}/${r.id}`);
    return section(rule, members, (r) => describeResource(r, displayOf));
  });
  const patientRef = `Patient/${patient.id}`;
  const date = input.now.toISOString();
  const listed = input.resources.filter((r) => inSections.has(`${r.resourceType}/${r.id}`));
  const composition: Composition = {
    resourceType: 'Composition',
    id: input.compositionId,
    ...labelsOf(listed),
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: patientRef, display: nameOf(patient) },
    date,
    author: [input.author],
    title: `Patient summary of ${nameOf(patient) ?? patientRef} as of ${date.slice(0, 10)}`,
    confidentiality: confidentialityOf(listed) as Composition['confidentiality'],
    ...(input.author.reference?.startsWith('Organization/') ? { custodian: input.author as Reference<Organization> } : {}),
    section: sections,
  };
  const referenced = referencedResources(composition, [...inSections], byReference);
  const entries: BundleEntry[] = [
    { fullUrl: `urn:uuid:${input.compositionId}`, resource: composition },
    ...referenced.map((resource) => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource })),
  ];
  return {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${input.documentId}` },
    type: 'document',
    timestamp: date,
    entry: entries,
  };
}

function section(rule: SummarySectionRule, members: Resource[], describe: (r: Resource) => string): CompositionSection {
  const narrative = { status: 'generated' as const, div: sectionNarrative(rule.title, members.map(describe)) };
  const base: CompositionSection = { title: rule.title, code: { coding: [rule.code] }, text: narrative };
  if (members.length === 0) return { ...base, emptyReason: EMPTY_REASON };
  return { ...base, entry: members.map((r) => ({ reference: `${r.resourceType}/${r.id}` })) };
}

/** The practitioners managing the patient's active episodes: the IOP care team where no CareTeam resource is kept. */
function careManagersOf(resources: Resource[], byReference: Map<string, Resource>): Resource[] {
  const references = resources
    .filter((r) => r.resourceType === 'EpisodeOfCare' && r.status === 'active')
    .flatMap((r) => (r.resourceType === 'EpisodeOfCare' && r.careManager?.reference ? [r.careManager.reference] : []));
  return [...new Set(references)].map((ref) => byReference.get(ref)).filter((r): r is Resource => r !== undefined);
}

/** The section members, then the author, patient and whatever they refer to that the caller could read, once each. */
function referencedResources(composition: Composition, members: string[], byReference: Map<string, Resource>): Resource[] {
  const wanted = [composition.subject?.reference, ...composition.author!.map((a) => a.reference), ...members];
  const seen = new Set<string>();
  const out: Resource[] = [];
  const visit = (reference: string | undefined, depth: number) => {
    if (!reference || seen.has(reference)) return;
    const resource = byReference.get(reference);
    if (!resource) return;
    seen.add(reference);
    out.push(resource);
    if (depth > 0) for (const next of referencesIn(resource)) visit(next, depth - 1);
  };
  for (const reference of wanted) visit(reference, 1);
  return out;
}

function referencesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string') found.push(v);
      else referencesIn(v, found);
    }
  }
  return found;
}

/** The summary is as confidential as the most confidential thing it lists. */
function confidentialityOf(resources: Resource[]): string {
  let level = 'N';
  for (const r of resources) {
    for (const code of (r.meta?.security ?? []).filter((c) => c.system === CONFIDENTIALITY_SYSTEM).map((c) => c.code ?? '')) {
      if (CONFIDENTIALITY_ORDER.indexOf(code) > CONFIDENTIALITY_ORDER.indexOf(level)) level = code;
    }
  }
  return level;
}

/** The sensitivity and policy labels of what the summary lists (e.g. 42CFRPart2, SUD), so the document carries them too. */
function labelsOf(resources: Resource[]): { meta?: Meta } {
  const labels = new Map<string, Coding>();
  for (const r of resources) {
    for (const c of r.meta?.security ?? []) {
      if (c.system === CONFIDENTIALITY_SYSTEM || c.code === 'NORDSCLCD') continue;
      labels.set(`${c.system}|${c.code}`, c);
    }
  }
  const level = confidentialityOf(resources);
  const security = [...labels.values(), ...(level !== 'N' ? [{ system: CONFIDENTIALITY_SYSTEM, code: level }] : [])];
  return security.length > 0 ? { meta: { security } } : {};
}

function sortByDate(resources: Resource[]): Resource[] {
  return [...resources].sort((a, b) => dateOf(a).localeCompare(dateOf(b)) || `${a.id}`.localeCompare(`${b.id}`));
}

function dateOf(r: Resource): string {
  const any = r as { effectiveDateTime?: string; onsetDateTime?: string; recordedDate?: string; authoredOn?: string; period?: { start?: string }; created?: string };
  return any.effectiveDateTime ?? any.onsetDateTime ?? any.recordedDate ?? any.authoredOn ?? any.period?.start ?? any.created ?? '';
}

