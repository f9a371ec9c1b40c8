/**
 * Outcomes over time and between programs: each program's $outcome-report for each of the last months, one measure at
 * a time as a line per program (trend and comparison in one chart), with the numbers as a table and every measure of
 * every month and program as CSV. The reports run a few at a time so a server is never asked for all at once.
 */
import { downloadCsv } from '../shared/data-table.js';
import { field, h, replaceContent, select } from '../shared/elements.js';
import { fhirRequest } from '../shared/fhir-requests.js';
import { localDateString } from '../shared/fhir-format.js';
import { withBusy } from '../shared/status-messages.js';
import { renderTrendChart } from '../shared/trend-chart.js';

const MONTHS = 6;
const PARALLEL_REPORTS = 3;
const MEASURE_CHOICES = [
  ['response', 'Response (≥ 50 % improvement)'], ['remission', 'Remission'], ['measurement', 'Measurement rate'], ['attendance', 'Attendance'],
  ['completion', 'Completion'],
];
const INSTRUMENT_CHOICES = [['phq-9', 'PHQ-9'], ['gad-7', 'GAD-7']];

/** The last `count` calendar months up to today: { label: "Jul 2026", start, end } (end: today for this month). */
export function recentMonths(now, count = MONTHS) {
  return Array.from({ length: count }, (_, i) => {
    const first = new Date(now.getFullYear(), now.getMonth() - (count - 1 - i), 1);
    const last = new Date(first.getFullYear(), first.getMonth() + 1, 0);
    return {
      label: first.toLocaleDateString('en-US', { month: 'short', year: 'numeric' }),
      start: localDateString(first), end: localDateString(last < now ? last : now),
    };
  });
}

/** Which report a MeasureReport is, by its Measure's id ("…/Measure/iop-phq9-response" → "response"). */
function measureKey(report) {
  const id = report.measure?.split('/').pop() ?? '';
  return MEASURE_CHOICES.map(([key]) => key).find((key) => id.includes(key)) ?? id;
}

function populationCount(group, code) {
  return group?.population?.find((p) => p.code?.coding?.some((c) => c.code === code))?.count;
}

/** Runs the tasks with at most `limit` at a time; results in task order. */
async function inBatches(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** @returns {Promise<{ program: any, month: any, measure: string, rate: number | null, numerator?: number, denominator?: number }[]>} */
async function loadTrend(client, programs, months, instrument) {
  const tasks = programs.flatMap((program) => months.map((month) => async () => {
    const query = new URLSearchParams({ start: month.start, end: month.end, instrument });
    const bundle = await fhirRequest(client, `HealthcareService/${program.id}/$outcome-report?${query}`);
    return (bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === 'MeasureReport').map((report) => ({
      program, month, measure: measureKey(report), rate: report.group?.[0]?.measureScore?.value ?? null,
      numerator: populationCount(report.group?.[0], 'numerator'), denominator: populationCount(report.group?.[0], 'denominator'),
    }));
  }));
  return (await inBatches(tasks, PARALLEL_REPORTS)).flat();
}

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
    const label = MEASURE_CHOICES.find(([key]) => key === measure.value)?.[1] ?? measure.value;
    const series = programs.map((program) => ({
      name: program.name ?? program.id,
      values: months.map((month) => rows.find((r) => r.program === program && r.month === month && r.measure === measure.value)?.rate ?? null),
    }));
    const csv = () => downloadCsv(`program-outcomes-${instrument.value}.csv`, ['Month', 'Start', 'End', 'Program', 'Measure', 'Numerator', 'Denominator', 'Rate'],
      rows.map((r) => [r.month.label, r.month.start, r.month.end, r.program.name ?? r.program.id, r.measure, r.numerator, r.denominator, r.rate ?? '']));
    replaceContent(results, renderTrendChart({ title: `${label}, ${instrument.selectedOptions[0].textContent}, by month and program`, categories: months.map((m) => m.label), series }),
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
        rows = await loadTrend(client, programs, months, instrument.value);
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
