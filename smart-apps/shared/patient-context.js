/**
 * The patient-context header clinical apps put above anything about one patient: name, age, sex, MRN, program,
 * level of care and active risk flags — everything read from FHIR (Patient, the program's HealthcareService and its
 * level-of-care extension, active Flags), so it works the same inside any EHR.
 */
import { h } from './elements.js';
import { codingLabel, findExtension, formatDate, formatName } from './fhir-format.js';

const LEVEL_OF_CARE = 'http://iop-fhir.org/fhir/StructureDefinition/level-of-care';

export function ageOn(birthDate, now = new Date()) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate ?? '')) return undefined;
  const [y, m, d] = birthDate.split('-').map(Number);
  return now.getFullYear() - y - (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d) ? 1 : 0);
}

/**
 * @param {{ patient: any, program?: any, flags?: any[], headingId: string, now?: Date }} options
 * @returns {HTMLElement} a header whose h2 (tabindex -1, for focus on open) names the patient
 */
export function renderPatientContext({ patient, program, flags = [], headingId, now = new Date() }) {
  const age = ageOn(patient.birthDate, now);
  const facts = [
    age !== undefined ? ['Age', `${age} (born ${formatDate(patient.birthDate)})`] : null,
    patient.gender ? ['Sex', patient.gender] : null,
    patient.identifier?.[0]?.value ? ['MRN', patient.identifier[0].value] : null,
    program?.name ? ['Program', program.name] : null,
    findExtension(program, LEVEL_OF_CARE) ? ['Level of care', codingLabel(findExtension(program, LEVEL_OF_CARE).valueCodeableConcept)] : null,
  ].filter(Boolean);
  return h('header', { class: 'patient-context' },
    h('h2', { id: headingId, tabindex: '-1' }, formatName(patient.name) || 'Unnamed patient'),
    h('dl', { class: 'context-facts' }, facts.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value)))),
    flags.length ? h('p', { class: 'context-flags' }, h('span', { class: 'visually-hidden' }, 'Risk flags: '),
      flags.map((flag) => h('span', { class: 'badge risk', 'data-flag': flag.id }, codingLabel(flag.code) || 'Flag'))) : null);
}
