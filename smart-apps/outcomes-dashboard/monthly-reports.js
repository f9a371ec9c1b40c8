/**
 * Monthly $outcome-report runs, read into plain rows: which measure each MeasureReport is, its rate, numerator and
 * denominator, and whom it is about (no subject: the whole program; with groupBy=clinician, the clinician). The
 * reports run a few at a time so a server is never asked for all at once.
 */
import { fhirRequest } from '../shared/fhir-requests.js';
import { localDateString } from '../shared/fhir-format.js';

export const MONTHS = 6;
const PARALLEL_REPORTS = 3;
export const MEASURE_CHOICES = [
  ['response', 'Response (≥ 50 % improvement)'], ['remission', 'Remission'], ['measurement', 'Measurement rate'], ['attendance', 'Attendance'],
  ['completion', 'Completion'], ['satisfaction', 'Satisfaction (MHSIP)'], ['goal-attainment', 'Goal attainment'],
];
export const INSTRUMENT_CHOICES = [['phq-9', 'PHQ-9'], ['gad-7', 'GAD-7']];

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

export function measureLabel(key) {
  return MEASURE_CHOICES.find(([choice]) => choice === key)?.[1] ?? key;
}

/** Which report a MeasureReport is, by its Measure's id ("…/Measure/iop-response-rate" → "response"). */
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

/**
 * Each program's report for each month.
 * @returns {Promise<{ program: any, month: any, subject?: { reference: string, display?: string }, measure: string,
 *   rate: number | null, numerator?: number, denominator?: number }[]>}
 */
export async function loadMonthlyReports(client, programs, months, { instrument, groupBy }) {
  const tasks = programs.flatMap((program) => months.map((month) => async () => {
    const query = new URLSearchParams({ start: month.start, end: month.end, instrument, ...(groupBy ? { groupBy } : {}) });
    const bundle = await fhirRequest(client, `HealthcareService/${program.id}/$outcome-report?${query}`);
    return (bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === 'MeasureReport').map((report) => ({
      program, month, subject: report.subject, measure: measureKey(report), rate: report.group?.[0]?.measureScore?.value ?? null,
      numerator: populationCount(report.group?.[0], 'numerator'), denominator: populationCount(report.group?.[0], 'denominator'),
    }));
  }));
  return (await inBatches(tasks, PARALLEL_REPORTS)).flat();
}
