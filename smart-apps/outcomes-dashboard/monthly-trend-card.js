/**
 * The card both outcome trends use: instrument and measure pickers, a button that loads the monthly $outcome-reports,
 * a chart of one measure (a line per series) and a CSV of every measure. What differs — which reports, which lines,
 * which CSV columns — comes from the caller.
 */
import { downloadCsv } from '../shared/data-table.js';
import { field, h, replaceContent, select } from '../shared/elements.js';
import { withBusy } from '../shared/status-messages.js';
import { renderTrendChart } from '../shared/trend-chart.js';
import { INSTRUMENT_CHOICES, MEASURE_CHOICES, measureLabel, recentMonths } from './monthly-reports.js';

/**
 * @param {{
 *   target: HTMLElement, now: Date, id: string, heading: string, hint: string, submitLabel: string, failure: string,
 *   reportCount: number, by: string,
 *   load: (instrument: string, months: any[]) => Promise<any[]>,
 *   seriesOf: (rows: any[], months: any[], measure: string) => ({ name: string, values: (number|null)[] }[] | string | null),
 *   csv: { fileName: (instrument: string) => string, header: string[], row: (row: any) => unknown[], label: string },
 * }} options  seriesOf answers the lines, a message when there is nothing to draw, or null to leave the card as it is.
 */
export function renderMonthlyTrendCard(options) {
  const { target, id, csv } = options;
  const instrument = select('instrument', INSTRUMENT_CHOICES, 'phq-9');
  const measure = select('measure', MEASURE_CHOICES, 'response');
  const results = h('div', { id: `${id}-results`, 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, options.submitLabel);
  const months = recentMonths(options.now);
  let rows = [];
  const draw = () => {
    const series = options.seriesOf(rows, months, measure.value);
    if (series === null) return;
    if (typeof series === 'string') {
      replaceContent(results, h('p', null, series));
      return;
    }
    const download = () => downloadCsv(csv.fileName(instrument.value), csv.header, rows.map(csv.row));
    replaceContent(results,
      renderTrendChart({ title: `${measureLabel(measure.value)}, ${instrument.selectedOptions[0].textContent}, by month and ${options.by}`, categories: months.map((m) => m.label), series }),
      h('button', { type: 'button', class: 'secondary', onclick: download }, csv.label));
  };
  measure.addEventListener('change', () => rows.length && draw());
  const form = h('form', { class: 'card', 'aria-labelledby': `${id}-heading` },
    h('h2', { id: `${id}-heading` }, options.heading),
    h('p', { class: 'hint' }, options.hint),
    h('div', { class: 'inline-fields' }, field('Instrument', instrument), field('Measure', measure), submit),
    results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withBusy(submit, async () => {
      replaceContent(results, h('p', { role: 'status' }, `Computing ${options.reportCount} monthly reports…`));
      try {
        rows = await options.load(instrument.value, months);
        draw();
      } catch (error) {
        replaceContent(results);
        throw error;
      }
    }, options.failure);
  });
  replaceContent(target, form);
  return form;
}
