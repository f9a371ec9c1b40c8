/**
 * One program's outcomes by clinician: its $outcome-report with groupBy=clinician for each of the last months (the
 * server groups by each episode's care manager and applies the same outcome rules, so none are repeated here), one
 * measure at a time as a line per clinician, with the numbers as a table and every measure as CSV.
 */
import { loadMonthlyReports, MONTHS } from './monthly-reports.js';
import { renderMonthlyTrendCard } from './monthly-trend-card.js';

const clinicianName = (subject) => subject.display ?? 'Clinician (name not available)';

/** @param {{ client: any, program: any, target: HTMLElement, now?: Date }} options */
export function renderClinicianTrends({ client, program, target, now = new Date() }) {
  return renderMonthlyTrendCard({
    target, now, id: 'clinicians', heading: 'Outcomes by clinician', by: 'clinician',
    hint: `This program's outcome report for each of the last ${MONTHS} months, for each care manager's patients.`,
    submitLabel: 'Show by clinician', failure: 'The outcomes by clinician could not be computed', reportCount: MONTHS,
    load: async (instrument, months) => (await loadMonthlyReports(client, [program], months, { instrument, groupBy: 'clinician' }))
      .filter((r) => r.subject?.reference),
    seriesOf: (rows, months, measure) => {
      const clinicians = [...new Map(rows.map((r) => [r.subject.reference, r.subject])).values()];
      if (clinicians.length === 0) return 'No episode of this program names a care manager in these months.';
      return clinicians.map((subject) => ({
        name: clinicianName(subject),
        values: months.map((month) => rows.find((r) => r.subject.reference === subject.reference && r.month === month && r.measure === measure)?.rate ?? null),
      }));
    },
    csv: {
      fileName: (instrument) => `clinician-outcomes-${instrument}.csv`,
      header: ['Month', 'Start', 'End', 'Program', 'Clinician', 'Measure', 'Numerator', 'Denominator', 'Rate'],
      row: (r) => [r.month.label, r.month.start, r.month.end, program.name ?? program.id, clinicianName(r.subject), r.measure, r.numerator, r.denominator, r.rate ?? ''],
      label: 'Download CSV (every measure, by clinician)',
    },
  });
}
