/**
 * A program's outcome report for a date range: GET HealthcareService/{id}/$outcome-report → one MeasureReport per
 * measure (measurement rate, response, remission, attendance, completion, step-down, satisfaction, goal
 * attainment), shown as figures with
 * their numerator and denominator.
 */
import { field, h, replaceContent, select } from '../shared/elements.js';
import { fhirRequest } from '../shared/fhir-requests.js';
import { formatDate, localDateString } from '../shared/fhir-format.js';
import { withBusy } from '../shared/status-messages.js';

const INSTRUMENT_CHOICES = [['phq-9', 'PHQ-9'], ['gad-7', 'GAD-7'], ['pcl-5', 'PCL-5'], ['audit-c', 'AUDIT-C']];

function populationCount(group, code) {
  return group.population?.find((p) => p.code?.coding?.some((c) => c.code === code))?.count ?? 0;
}

/** A measure's title without the program's name, which the report's heading already gives once. */
function measureTitle(group, programName, id) {
  const text = group.code?.text ?? id;
  return programName ? text.replace(` — ${programName}`, '') : text;
}

function renderMeasure(report, programName) {
  const group = report.group?.[0] ?? {};
  const rate = group.measureScore?.value;
  const id = report.measure?.split('/').pop() ?? '';
  return h('div', { class: 'metric', 'data-measure': id },
    h('div', { class: 'value' }, rate === undefined ? '—' : `${Math.round(rate * 1000) / 10} %`),
    h('div', null, measureTitle(group, programName, id)),
    h('div', { class: 'hint' }, `${populationCount(group, 'numerator')} of ${populationCount(group, 'denominator')} (population ${populationCount(group, 'initial-population')})`));
}

/**
 * @param {{ client: any, program: any, target: HTMLElement }} options
 */
export function renderReportForm({ client, program, target }) {
  const today = new Date();
  const start = h('input', { type: 'date', name: 'start', required: true, value: localDateString(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 90)) });
  const end = h('input', { type: 'date', name: 'end', required: true, value: localDateString(today) });
  const instrument = select('instrument', INSTRUMENT_CHOICES, 'phq-9');
  const results = h('div', { id: 'report', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Show report');
  const form = h('form', { class: 'card', 'aria-labelledby': 'report-heading' },
    h('h2', { id: 'report-heading' }, `Outcome report: ${program.name ?? program.id}`),
    h('div', { class: 'inline-fields' }, field('From', start), field('To', end), field('Instrument', instrument), submit),
    results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    withBusy(submit, async () => {
      replaceContent(results, h('p', { role: 'status' }, 'Computing…'));
      try {
        const query = new URLSearchParams({ start: start.value, end: end.value, instrument: instrument.value });
        const bundle = await fhirRequest(client, `HealthcareService/${program.id}/$outcome-report?${query}`);
        const reports = (bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === 'MeasureReport');
        replaceContent(results,
          h('p', null, `${formatDate(start.value)} to ${formatDate(end.value)}`),
          h('div', { class: 'metric-grid' }, reports.map((r) => renderMeasure(r, program.name))));
      } catch (error) {
        replaceContent(results);
        throw error;
      }
    }, 'The report could not be computed');
  });
  replaceContent(target, form);
  return form;
}
