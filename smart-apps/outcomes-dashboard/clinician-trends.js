/**
 * One program's outcomes by clinician: its $outcome-report with groupBy=clinician for each of the last months (the
 * server groups by each episode's care manager and applies the same outcome rules, so none are repeated here), one
 * measure at a time as a line per clinician, with the numbers as a table and every measure as CSV.
 */
import { downloadCsv } from '../shared/data-table.js';
import { field, h, replaceContent, select } from '../shared/elements.js';
import { withBusy } from '../shared/status-messages.js';
import { renderTrendChart } from '../shared/trend-chart.js';
import { INSTRUMENT_CHOICES, loadMonthlyReports, MEASURE_CHOICES, measureLabel, MONTHS, recentMonths } from './monthly-reports.js';

const clinicianName = (subject) => subject.display ?? 'Clinician (name not available)';

/** @param {{ client: any, program: any, target: HTMLElement, now?: Date }} options */
export function renderClinicianTrends({ client, program, target, now = new Date() }) {
  const instrument = select('instrument', INSTRUMENT_CHOICES, 'phq-9');
  const measure = select('measure', MEASURE_CHOICES, 'response');
  const results = h('div', { id: 'clinician-results', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Show by clinician');
  const months = recentMonths(now);
  let rows = [];
  const draw = () => {
    const clinicians = [...new Map(rows.map((r) => [r.subject.reference, r.subject])).values()];
    if (clinicians.length === 0) {
      replaceContent(results, h('p', null, 'No episode of this program names a care manager in these months.'));
      return;
    }
    const series = clinicians.map((subject) => ({
      name: clinicianName(subject),
      values: months.map((month) => rows.find((r) => r.subject.reference === subject.reference && r.month === month && r.measure === measure.value)?.rate ?? null),
    }));
    const csv = () => downloadCsv(`clinician-outcomes-${instrument.value}.csv`, ['Month', 'Start', 'End', 'Program', 'Clinician', 'Measure', 'Numerator', 'Denominator', 'Rate'],
      rows.map((r) => [r.month.label, r.month.start, r.month.end, program.name ?? program.id, clinicianName(r.subject), r.measure, r.numerator, r.denominator, r.rate ?? '']));
    replaceContent(results,
      renderTrendChart({ title: `${measureLabel(measure.value)}, ${instrument.selectedOptions[0].textContent}, by month and clinician`, categories: months.map((m) => m.label), series }),
      h('button', { type: 'button', class: 'secondary', onclick: csv }, 'Download CSV (every measure, by clinician)'));
  };
  measure.addEventListener('change', () => rows.length && draw());
  const form = h('form', { class: 'card', 'aria-labelledby': 'clinicians-heading' },
    h('h2', { id: 'clinicians-heading' }, 'Outcomes by clinician'),
    h('p', { class: 'hint' }, `This program's outcome report for each of the last ${MONTHS} months, for each care manager's patients.`),
    h('div', { class: 'inline-fields' }, field('Instrument', instrument), field('Measure', measure), submit),
    results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withBusy(submit, async () => {
      replaceContent(results, h('p', { role: 'status' }, `Computing ${MONTHS} monthly reports…`));
      try {
        rows = (await loadMonthlyReports(client, [program], months, { instrument: instrument.value, groupBy: 'clinician' })).filter((r) => r.subject?.reference);
        draw();
      } catch (error) {
        replaceContent(results);
        throw error;
      }
    }, 'The outcomes by clinician could not be computed');
  });
  replaceContent(target, form);
  return form;
}
