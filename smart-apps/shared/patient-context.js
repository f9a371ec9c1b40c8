/**
 * The patient-context header clinical apps put above anything about one patient: name, age, sex, MRN, program,
 * level of care and active risk flags — everything read from FHIR (Patient, the EpisodeOfCare of the program with its
 * level-of-care extension, else the program's HealthcareService, active Flags), so it works the same inside any EHR.
 */
import { h } from './elements.js';
import { codingLabel, findExtension, formatDate, formatName } from './fhir-format.js';
import { searchAll } from './fhir-requests.js';

const IOP = 'http://iop-fhir.org/fhir/StructureDefinition';
const LEVEL_OF_CARE = `${IOP}/level-of-care`;
const PROGRAM = `${IOP}/program`;

export function ageOn(birthDate, now = new Date()) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate ?? '')) return undefined;
  const [y, m, d] = birthDate.split('-').map(Number);
  return now.getFullYear() - y - (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d) ? 1 : 0);
}

/** The episode that says where the patient is now: an active one first, then the latest started. */
function currentEpisode(episodes) {
  const byStart = [...episodes].sort((a, b) => (b.period?.start ?? '').localeCompare(a.period?.start ?? ''));
  return byStart.find((e) => e.status === 'active') ?? byStart[0];
}

/**
 * Each patient's current episode (of `programReference` when given) and active risk flags, in two searches.
 * @returns {Promise<Map<string, { episode?: any, flags: any[] }>>} patient id → context
 */
export async function loadPatientContexts(client, patientIds, programReference) {
  const contexts = new Map(patientIds.map((id) => [id, { episode: undefined, flags: [] }]));
  if (patientIds.length === 0) return contexts;
  const patients = patientIds.map((id) => `Patient/${id}`).join(',');
  const [episodes, flags] = await Promise.all([
    searchAll(client, `EpisodeOfCare?patient=${patients}${programReference ? `&program=${programReference}` : ''}&_count=200`),
    searchAll(client, `Flag?patient=${patients}&status=active&_count=200`).catch(() => []), // flags are optional context
  ]);
  for (const [id, context] of contexts) {
    context.episode = currentEpisode(episodes.filter((e) => e.patient?.reference === `Patient/${id}`));
    context.flags = flags.filter((f) => f.subject?.reference === `Patient/${id}`);
  }
  return contexts;
}

/**
 * @param {{ patient: any, program?: any, episode?: any, flags?: any[], headingId: string, headingLevel?: 2 | 3,
 *   now?: Date }} options episode: the patient's enrollment, whose level of care wins over the program's
 * @returns {HTMLElement} a header whose heading (tabindex -1, for focus on open) names the patient
 */
export function renderPatientContext({ patient, program, episode, flags = [], headingId, headingLevel = 2, now = new Date() }) {
  const age = ageOn(patient.birthDate, now);
  const programName = program?.name ?? findExtension(episode, PROGRAM)?.valueReference?.display;
  const level = findExtension(episode, LEVEL_OF_CARE) ?? findExtension(program, LEVEL_OF_CARE);
  const facts = [
    age !== undefined ? ['Age', `${age} (born ${formatDate(patient.birthDate)})`] : null,
    patient.gender ? ['Sex', patient.gender] : null,
    patient.identifier?.[0]?.value ? ['MRN', patient.identifier[0].value] : null,
    programName ? ['Program', programName] : null,
    level ? ['Level of care', codingLabel(level.valueCodeableConcept)] : null,
  ].filter(Boolean);
  return h('header', { class: 'patient-context' },
    h(`h${headingLevel}`, { id: headingId, tabindex: '-1' }, formatName(patient.name) || 'Unnamed patient'),
    h('dl', { class: 'context-facts' }, facts.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value)))),
    flags.length ? h('p', { class: 'context-flags' }, h('span', { class: 'visually-hidden' }, 'Risk flags: '),
      flags.map((flag) => h('span', { class: 'badge risk', 'data-flag': flag.id }, codingLabel(flag.code) || 'Flag'))) : null);
}
