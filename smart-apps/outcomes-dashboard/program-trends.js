/**
 * Outcomes over time and between programs: each program's $outcome-report for each of the last months, one measure at
 * a time as a line per program (trend and comparison in one chart), with the numbers as a table and every measure of
 * every month and program as CSV.
 */
import { loadMonthlyReports, MONTHS } from './monthly-reports.js';
import { renderMonthlyTrendCard } from './monthly-trend-card.js';

/** @param {{ client: any, programs: any[], target: HTMLElement, now?: Date }} options */
export function renderProgramTrends({ client, programs, target, now = new Date() }) {
  return renderMonthlyTrendCard({
    target, now, id: 'trend', heading: 'Trends and program comparison', by: 'program',
    hint: `Each program's outcome report for each of the last ${MONTHS} months.`,
    submitLabel: 'Show trends', failure: 'The trends could not be computed', reportCount: programs.length * MONTHS,
    load: async (instrument, months) => (await loadMonthlyReports(client, programs, months, { instrument })).filter((r) => !r.subject),
    seriesOf: (rows, months, measure) => (rows.length === 0 ? null : programs.map((program) => ({
      name: program.name ?? program.id,
      values: months.map((month) => rows.find((r) => r.program === program && r.month === month && r.measure === measure)?.rate ?? null),
    }))),
    csv: {
      fileName: (instrument) => `program-outcomes-${instrument}.csv`,
      header: ['Month', 'Start', 'End', 'Program', 'Measure', 'Numerator', 'Denominator', 'Rate'],
      row: (r) => [r.month.label, r.month.start, r.month.end, r.program.name ?? r.program.id, r.measure, r.numerator, r.denominator, r.rate ?? ''],
      label: 'Download CSV (every measure)',
    },
  });
}
