/**
 * Outcomes over time and between programs: each program's $outcome-report for each of the last months, one measure at
 * a time as a line per program (trend and comparison in one chart), with the numbers as a table and every measure of
 * every month and program as CSV.
 */
import { downloadCsv } from '../shared/data-table.js';
import { field, h, replaceContent, select } from '../shared/elements.js';
import { withBusy } from '../shared/status-messages.js';
import { renderTrendChart } from '../shared/trend-chart.js';
import { INSTRUMENT_CHOICES, loadMonthlyReports, MEASURE_CHOICES, measureLabel, MONTHS, recentMonths } from './monthly-reports.js';

/** @param {{ client: any, programs: any[], target: HTMLElement, now?: Date }} options */
export function renderProgramTrends({ client, programs, target, now = new Date() }) {
  const instrument = select('instrument', INSTRUMENT_CHOICES, 'phq-9');
  const measure = select('measure', MEASURE_CHOICES, 'response');
  const results = h('div', { id: 'trend-results', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Show trends');
  let rows = [];
  const months = recentMonths(now);
  const draw = () => {
    if (rows.length === 0) return;
    const series = programs.map((program) => ({
      name: program.name ?? program.id,
      values: months.map((month) => rows.find((r) => r.program === program && r.month === month && r.measure === measure.value)?.rate ?? null),
    }));
    const csv = () => downloadCsv(`program-outcomes-${instrument.value}.csv`, ['Month', 'Start', 'End', 'Program', 'Measure', 'Numerator', 'Denominator', 'Rate'],
      rows.map((r) => [r.month.label, r.month.start, r.month.end, r.program.name ?? r.program.id, r.measure, r.numerator, r.denominator, r.rate ?? '']));
    replaceContent(results, renderTrendChart({ title: `${measureLabel(measure.value)}, ${instrument.selectedOptions[0].textContent}, by month and program`, categories: months.map((m) => m.label), series }),
      h('button', { type: 'button', class: 'secondary', onclick: csv }, 'Download CSV (every measure)'));
  };
  measure.addEventListener('change', draw);
  const form = h('form', { class: 'card', 'aria-labelledby': 'trends-heading' },
    h('h2', { id: 'trends-heading' }, 'Trends and program comparison'),
    h('p', { class: 'hint' }, `Each program's outcome report for each of the last ${MONTHS} months.`),
    h('div', { class: 'inline-fields' }, field('Instrument', instrument), field('Measure', measure), submit),
    results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withBusy(submit, async () => {
      replaceContent(results, h('p', { role: 'status' }, `Computing ${programs.length * MONTHS} monthly reports…`));
      try {
        rows = (await loadMonthlyReports(client, programs, months, { instrument: instrument.value })).filter((r) => !r.subject);
        draw();
      } catch (error) {
        replaceContent(results);
        throw error;
      }
    }, 'The trends could not be computed');
  });
  replaceContent(target, form);
  return form;
}
