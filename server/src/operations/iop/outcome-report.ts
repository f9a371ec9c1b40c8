/**
 * GET /HealthcareService/{id}/$outcome-report?start=&end=[&instrument=phq-9]: the program's measures for
 * accreditation and payers (domain/program-measures.ts) as MeasureReports (summary, one per measure, with
 * initial population, denominator, numerator and the rate as score), in a collection Bundle.
 */
import type { Bundle, MeasureReport } from '@medplum/fhirtypes';
import type { Ratio } from '../../domain/attendance-summary';
import { addDays, compareDates } from '../../domain/calendar-date';
import { INSTRUMENTS, type InstrumentId } from '../../domain/instrument-definitions';
import type { ProgramEpisode } from '../../domain/program-measures';
import { computeProgramMeasures, type ProgramMeasures } from '../../domain/program-measures';
import { badRequest } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { CS } from './iop-vocabulary';
import { loadEpisodeAttendance } from './load-attendance';
import { loadMeasurements } from './load-measurements';
import { loadProgram } from './load-program';
import { loadProgramEnrollments } from './load-schedule';
import { iopOperationDefinition, nowOf } from './operation-support';
import { requireDate } from './read-input';

/** Each MeasureReport's Measure is `http://iop-fhir.org/fhir/Measure/<id>` (profiles/measures/). */
export const PROGRAM_MEASURES: { key: keyof Omit<ProgramMeasures, 'population'>; id: string; title: string }[] = [
  { key: 'measurementRate', id: 'iop-measurement-rate', title: 'Patients measured with the instrument in the period' },
  { key: 'responseRate', id: 'iop-response-rate', title: 'Response (≥ 50 % drop from an elevated baseline)' },
  { key: 'remissionRate', id: 'iop-remission-rate', title: 'Remission (latest score below the remission threshold)' },
  { key: 'attendanceRate', id: 'iop-attendance-rate', title: 'Sessions attended / sessions held' },
  { key: 'completionRate', id: 'iop-completion-rate', title: 'Episodes ended by completion or step-down' },
  { key: 'stepDownRate', id: 'iop-step-down-rate', title: 'Episodes ended by step-down' },
];

export const outcomeReportOperation: OperationDeclaration = {
  definition: iopOperationDefinition('outcome-report'),
  handler: async (input, ctx, target) => {
    const program = await loadProgram(ctx, target.id!);
    const from = requireDate(input, 'start');
    const to = requireDate(input, 'end');
    if (compareDates(to, from) < 0) throw badRequest(`end (${to}) is before start (${from})`);
    if (compareDates(to, addDays(from, 800)) > 0) throw badRequest('The period may span at most 800 days');
    const instrumentId = (input.string('instrument') ?? 'phq-9') as InstrumentId;
    const instrument = INSTRUMENTS[instrumentId];
    if (!instrument) throw badRequest(`instrument must be one of ${Object.keys(INSTRUMENTS).join(', ')}`);
    const enrollments = await loadProgramEnrollments(ctx, program.id);
    const measurements = await loadMeasurements(ctx, [...new Set(enrollments.map((e) => e.patientId))], `${CS.loinc}|${instrument.totalLoinc}`);
    const attendance = await loadEpisodeAttendance(ctx, enrollments.map((e) => e.episodeId));
    const episodes: ProgramEpisode[] = enrollments.map((e) => ({
      episodeId: e.episodeId, patientId: e.patientId, status: e.status, start: e.start, end: e.end, dischargeReason: e.dischargeReason,
      // A patient's scores count for the episode they fall in.
      measurements: (measurements.get(e.patientId) ?? []).filter((m) => m.date.toISOString().slice(0, 10) >= e.start && (e.end === undefined || m.date.toISOString().slice(0, 10) <= addDays(e.end, 1))),
      attendance: attendance.filter((r) => r.episodeId === e.episodeId),
    }));
    const measures = computeProgramMeasures({ episodes, from, to, timeZone: program.timeZone, instrument });
    const now = nowOf(ctx).toISOString();
    const reports = PROGRAM_MEASURES.map(({ key, id, title }) => measureReport(id, title, measures[key], measures.population, { from, to, now, program: program.service.name ?? program.reference, reporter: program.organization, instrument: instrument.display }));
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', timestamp: now, entry: reports.map((resource) => ({ resource })) };
    return { status: 200, body: bundle };
  },
};

function measureReport(
  id: string, title: string, ratio: Ratio, population: number,
  context: { from: string; to: string; now: string; program: string; reporter?: MeasureReport['reporter']; instrument: string },
): MeasureReport {
  const population_ = (code: string, count: number) => ({ code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-population', code }] }, count });
  return {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: `http://iop-fhir.org/fhir/Measure/${id}`,
    date: context.now,
    period: { start: context.from, end: context.to },
    ...(context.reporter ? { reporter: context.reporter } : {}),
    improvementNotation: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code: 'increase' }] },
    group: [{
      code: { text: `${title} — ${context.program}${id.includes('response') || id.includes('remission') || id.includes('measurement') ? ` (${context.instrument})` : ''}` },
      population: [population_('initial-population', population), population_('denominator', ratio.denominator), population_('numerator', ratio.numerator)],
      ...(ratio.rate !== null ? { measureScore: { value: Math.round(ratio.rate * 10000) / 10000, unit: '1', system: CS.ucum, code: '1' } } : {}),
    }],
  };
}
