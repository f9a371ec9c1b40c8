/**
 * A patient's current medications: active prescriptions (MedicationRequest) and medications they report taking
 * (MedicationStatement), each with its name and dosage instructions in words. Used by the portal ("Your medications")
 * and by the clinician apps beside the patient's outcomes. A token that may not read medications sees no list.
 */
import { h } from './elements.js';
import { codingLabel, formatDate } from './fhir-format.js';
import { searchAll } from './fhir-requests.js';

const nameOf = (resource) => resource.medicationCodeableConcept?.text || codingLabel(resource.medicationCodeableConcept) || resource.medicationReference?.display || 'Medication';

/** @returns {Promise<{ name: string, dosage: string, since?: string, kind: 'prescribed' | 'reported', id: string }[]>} */
export async function loadMedications(client, patientId) {
  const [requests, statements] = await Promise.all([
    searchAll(client, `MedicationRequest?patient=Patient/${patientId}&status=active,on-hold&_count=100`),
    searchAll(client, `MedicationStatement?patient=Patient/${patientId}&status=active,intended&_count=100`),
  ]);
  return [
    ...requests.map((r) => ({ id: `MedicationRequest/${r.id}`, kind: 'prescribed', name: nameOf(r), dosage: (r.dosageInstruction ?? []).map((d) => d.text).filter(Boolean).join('; '), since: r.authoredOn })),
    ...statements.map((s) => ({ id: `MedicationStatement/${s.id}`, kind: 'reported', name: nameOf(s), dosage: (s.dosage ?? []).map((d) => d.text).filter(Boolean).join('; '), since: s.effectivePeriod?.start ?? s.effectiveDateTime ?? s.dateAsserted })),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

export function renderMedicationList(medications, { emptyText = 'No current medications on record.' } = {}) {
  if (medications.length === 0) return h('p', null, emptyText);
  return h('ul', { class: 'list-plain medication-list' }, medications.map((m) => h('li', { 'data-medication': m.id },
    h('strong', null, m.name), m.dosage ? ` — ${m.dosage}` : '',
    h('span', { class: 'hint' }, ` · ${m.kind === 'prescribed' ? 'prescribed' : 'reported'}${m.since ? ` ${formatDate(m.since)}` : ''}`))));
}
