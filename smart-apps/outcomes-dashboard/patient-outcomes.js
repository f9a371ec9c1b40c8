/**
 * One patient's outcomes: GET Patient/{id}/$outcomes (per instrument: baseline, latest, change, response,
 * remission, reliable change; treatment-goal targets) and the PHQ-9/GAD-7 score series as charts.
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, outputsOf, partOf, searchAll } from '../shared/fhir-requests.js';
import { formatDate } from '../shared/fhir-format.js';
import { loadMedications, renderMedicationList } from '../shared/medication-list.js';
import { renderPatientContext } from '../shared/patient-context.js';
import { INSTRUMENTS, scoreSeries } from '../shared/instruments.js';
import { renderScoreChart } from '../shared/score-chart.js';

const yesNo = (part) => (part?.valueBoolean === undefined ? '—' : part.valueBoolean ? 'yes' : 'no');

function measurement(part) {
  if (!part) return '—';
  const total = partOf(part, 'total')?.valueInteger;
  const date = partOf(part, 'date')?.valueDateTime;
  return `${total} (${formatDate(date)})`;
}

function instrumentRow(parameter) {
  const value = (name) => partOf(parameter, name);
  const change = value('change')?.valueInteger;
  return h('tr', { 'data-instrument': value('instrument')?.valueCode },
    h('th', { scope: 'row' }, (value('instrument')?.valueCode ?? '').toUpperCase()),
    h('td', null, String(value('measurementCount')?.valueInteger ?? 0)),
    h('td', null, measurement(value('baseline'))),
    h('td', null, measurement(value('latest'))),
    h('td', null, change === undefined ? '—' : change > 0 ? `+${change}` : String(change)),
    h('td', null, yesNo(value('response'))),
    h('td', null, yesNo(value('remission'))),
    h('td', null, value('reliableChange')?.valueCode ?? '—'));
}

function goalItem(parameter) {
  const value = (name) => partOf(parameter, name);
  return h('li', null, h('strong', null, value('description')?.valueString ?? 'Goal'), ': ',
    value('achievement')?.valueCode ?? value('status')?.valueCode ?? '', ' — ', value('explanation')?.valueString ?? '');
}

/** @param {{ client: any, patientId: string, target: HTMLElement, program?: any }} options program: the one it was opened from */
export async function showPatientOutcomes({ client, patientId, target, program }) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading outcomes…'));
  const codes = Object.values(INSTRUMENTS).map((i) => `http://loinc.org|${i.totalLoinc}`).join(',');
  const [patient, outcomes, observations, flags, medications] = await Promise.all([
    fhirRequest(client, `Patient/${patientId}`),
    fhirRequest(client, `Patient/${patientId}/$outcomes`),
    searchAll(client, `Observation?patient=Patient/${patientId}&code=${encodeURIComponent(codes)}&_sort=date&_count=200`),
    searchAll(client, `Flag?patient=Patient/${patientId}&status=active&_count=50`).catch(() => []),
    loadMedications(client, patientId).catch(() => undefined), // optional: a token without medication scopes
  ]);
  const instruments = outputsOf(outcomes, 'instrument');
  const goals = outputsOf(outcomes, 'goal');
  const context = renderPatientContext({ patient, program, flags, headingId: 'patient-heading' });
  const heading = context.querySelector('h2');
  heading.prepend(h('span', { class: 'visually-hidden' }, 'Outcomes: '));
  replaceContent(target, h('section', { class: 'card', 'aria-labelledby': 'patient-heading', 'data-patient': patientId },
    context,
    instruments.length === 0 ? h('p', null, 'No scored assessments yet.') : h('table', { class: 'data-table' },
      h('caption', null, 'Measurement-based care'),
      h('thead', null, h('tr', null, ['Instrument', 'Scores', 'Baseline', 'Latest', 'Change', 'Response', 'Remission', 'Reliable change'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, instruments.map(instrumentRow))),
    goals.length ? h('div', null, h('h3', null, 'Treatment goals'), h('ul', null, goals.map(goalItem))) : null,
    medications ? h('div', { class: 'patient-medications' }, h('h3', null, 'Medications'), renderMedicationList(medications)) : null,
    Object.values(INSTRUMENTS).map((instrument) => renderScoreChart(instrument, scoreSeries(observations, instrument)))));
  heading.focus();
}
