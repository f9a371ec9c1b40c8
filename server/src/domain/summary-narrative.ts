/**
 * The human-readable part of a patient summary: one line of text per resource, and a section's XHTML narrative (a
 * well-formed `div` in the XHTML namespace, every value escaped) built from those lines. Pure functions over data.
 */
import type {
  AllergyIntolerance, CarePlan, CareTeam, CodeableConcept, Condition, EpisodeOfCare, Goal, MedicationRequest,
  MedicationStatement, Observation, Practitioner, Resource,
} from '@medplum/fhirtypes';

const LEVEL_OF_CARE_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/level-of-care';
const PROGRAM_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/program';

export function escapeXhtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A section's narrative: a table of the given rows, or a sentence when there are none. */
export function sectionNarrative(title: string, rows: string[]): string {
  if (rows.length === 0) return `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escapeXhtml(`${title}: no information available.`)}</p></div>`;
  const items = rows.map((row) => `<li>${escapeXhtml(row)}</li>`).join('');
  return `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${items}</ul></div>`;
}

export function conceptText(concept: CodeableConcept | undefined): string {
  if (!concept) return 'unspecified';
  if (concept.text) return concept.text;
  const coding = concept.coding?.[0];
  if (!coding) return 'unspecified';
  return coding.display ?? `${coding.code ?? ''}${coding.system ? ` (${coding.system})` : ''}`;
}

/** One line describing `resource`, naming only what the resource itself holds. */
export function describeResource(resource: Resource, displayOf: (reference: string | undefined) => string | undefined): string {
  switch (resource.resourceType) {
    case 'Condition': return describeCondition(resource);
    case 'AllergyIntolerance': return describeAllergy(resource);
    case 'MedicationStatement': return describeMedication(resource, resource.effectiveDateTime ?? resource.effectivePeriod?.start, displayOf);
    case 'MedicationRequest': return describeMedication(resource, resource.authoredOn, displayOf);
    case 'Observation': return describeObservation(resource);
    case 'CarePlan': return describeCarePlan(resource);
    case 'Goal': return describeGoal(resource);
    case 'EpisodeOfCare': return describeEpisode(resource, displayOf);
    case 'CareTeam': return describeCareTeam(resource, displayOf);
    case 'Practitioner': return describePractitioner(resource);
    default: return `${resource.resourceType} ${resource.id ?? ''}`.trim();
  }
}

function describeCondition(c: Condition): string {
  const status = conceptText(c.clinicalStatus);
  const onset = c.onsetDateTime ?? c.recordedDate;
  return `${conceptText(c.code)} — ${status}${onset ? `, since ${onset.slice(0, 10)}` : ''}`;
}

function describeAllergy(a: AllergyIntolerance): string {
  const reactions = (a.reaction ?? []).flatMap((r) => (r.manifestation ?? []).map(conceptText));
  return `${conceptText(a.code)}${a.criticality ? ` (criticality ${a.criticality})` : ''}${reactions.length ? `: ${reactions.join(', ')}` : ''}`;
}

function describeMedication(
  m: MedicationStatement | MedicationRequest, date: string | undefined, displayOf: (reference: string | undefined) => string | undefined,
): string {
  const what = m.medicationCodeableConcept ? conceptText(m.medicationCodeableConcept) : displayOf(m.medicationReference?.reference) ?? m.medicationReference?.display ?? 'medication';
  const dosage = m.resourceType === 'MedicationStatement' ? m.dosage?.[0]?.text : m.dosageInstruction?.[0]?.text;
  return `${what} — ${m.status}${dosage ? `, ${dosage}` : ''}${date ? `, ${date.slice(0, 10)}` : ''}`;
}

function describeObservation(o: Observation): string {
  const value = o.valueInteger ?? o.valueQuantity?.value ?? (o.valueCodeableConcept ? conceptText(o.valueCodeableConcept) : o.valueString);
  const when = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued;
  const interpretation = o.interpretation?.[0] ? ` (${conceptText(o.interpretation[0])})` : '';
  return `${conceptText(o.code)}: ${value ?? 'no value'}${interpretation}${when ? ` on ${when.slice(0, 10)}` : ''}`;
}

function describeCarePlan(p: CarePlan): string {
  const period = p.period?.start ? `, from ${p.period.start.slice(0, 10)}${p.period.end ? ` to ${p.period.end.slice(0, 10)}` : ''}` : '';
  const activities = (p.activity ?? []).map((a) => conceptText(a.detail?.code) ?? '').filter((t) => t !== 'unspecified');
  return `${p.title ?? p.description ?? 'Care plan'} — ${p.status}${period}${activities.length ? `; activities: ${activities.join(', ')}` : ''}`;
}

function describeGoal(g: Goal): string {
  const target = g.target?.[0];
  const detail = target?.detailQuantity
    ? ` (target ${conceptText(target.measure)} ${target.detailQuantity.comparator ?? ''}${target.detailQuantity.value ?? ''}${target.dueDate ? ` by ${target.dueDate}` : ''})`
    : '';
  return `Goal: ${conceptText(g.description)} — ${g.lifecycleStatus}${detail}`;
}

function describeEpisode(e: EpisodeOfCare, displayOf: (reference: string | undefined) => string | undefined): string {
  const program = e.extension?.find((x) => x.url === PROGRAM_EXTENSION)?.valueReference;
  const level = e.extension?.find((x) => x.url === LEVEL_OF_CARE_EXTENSION)?.valueCodeableConcept;
  const period = e.period?.start ? `, ${e.period.start.slice(0, 10)}${e.period.end ? ` to ${e.period.end.slice(0, 10)}` : ' onwards'}` : '';
  const programName = program ? displayOf(program.reference) ?? program.display ?? 'program' : 'program';
  return `${programName} — ${e.status}${level ? `, level of care ${conceptText(level)}` : ''}${period}`;
}

function describeCareTeam(t: CareTeam, displayOf: (reference: string | undefined) => string | undefined): string {
  const members = (t.participant ?? []).map((p) => `${displayOf(p.member?.reference) ?? p.member?.display ?? 'member'}${p.role?.[0] ? ` (${conceptText(p.role[0])})` : ''}`);
  return `${t.name ?? 'Care team'}${members.length ? `: ${members.join(', ')}` : ''}`;
}

function describePractitioner(p: Practitioner): string {
  return `${nameOf(p) ?? 'Practitioner'} — care manager`;
}

/** A readable name of a person or organisation, if it has one. */
export function nameOf(resource: Resource | undefined): string | undefined {
  if (!resource) return undefined;
  if ('name' in resource && typeof resource.name === 'string') return resource.name;
  if ('name' in resource && Array.isArray(resource.name)) {
    const name = resource.name[0] as { text?: string; given?: string[]; family?: string; prefix?: string[] } | undefined;
    if (!name) return undefined;
    return name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
  }
  return undefined;
}
