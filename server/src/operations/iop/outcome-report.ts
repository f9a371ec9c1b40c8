/**
 * GET /HealthcareService/{id}/$outcome-report?start=&end=[&instrument=phq-9][&groupBy=clinician]: the program's
 * measures for accreditation and payers (domain/program-measures.ts) as MeasureReports (summary, one per measure, with
 * initial population, denominator, numerator and the rate as score), in a collection Bundle. With groupBy=clinician,
 * the same measures follow for each care manager (EpisodeOfCare.careManager) over their episodes, each report's
 * subject that clinician: the outcome rules stay here, not in every app that wants the breakdown. Satisfaction
 * (MHSIP survey) and goal attainment (goals achieved / goals due) follow the symptom and attendance measures.
 */
import type { Bundle, MeasureReport, Practitioner } from '@medplum/fhirtypes';
import type { Ratio } from '../../domain/attendance-summary';
import { addDays, compareDates } from '../../domain/calendar-date';
import { INSTRUMENTS, type InstrumentId } from '../../domain/instrument-definitions';
import type { ProgramEpisode } from '../../domain/program-measures';
import { computeProgramMeasures, type ProgramMeasures } from '../../domain/program-measures';
import { computeGoalAttainmentRate, computeSatisfactionRate } from '../../domain/engagement-measures';
import { badRequest } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationDeclaration } from '../registry';
import { CS } from './iop-vocabulary';
import { loadEpisodeAttendance } from './load-attendance';
import { loadEngagementFacts } from './load-engagement-facts';
import { loadMeasurements } from './load-measurements';
import { loadProgram } from './load-program';
import { loadProgramEnrollments } from './load-schedule';
import type { EnrollmentFacts } from './map-enrollment';
import { iopOperationDefinition, nowOf } from './operation-support';
import { requireDate } from './read-input';
import { searchAll } from './read-resources';

/** Who a MeasureReport is about when it is not the whole program: here, a clinician. */
type ReportSubject = NonNullable<MeasureReport['subject']>;

/** Each MeasureReport's Measure is `http://iop-fhir.org/fhir/Measure/<id>` (profiles/measures/). */
export const PROGRAM_MEASURES: { key: keyof Omit<ProgramMeasures, 'population'>; id: string; title: string }[] = [
  { key: 'measurementRate', id: 'iop-measurement-rate', title: 'Patients measured with the instrument in the period' },
  { key: 'responseRate', id: 'iop-response-rate', title: 'Response (≥ 50 % drop from an elevated baseline)' },
  { key: 'remissionRate', id: 'iop-remission-rate', title: 'Remission (latest score below the remission threshold)' },
  { key: 'attendanceRate', id: 'iop-attendance-rate', title: 'Sessions attended / sessions held' },
  { key: 'completionRate', id: 'iop-completion-rate', title: 'Episodes ended by completion or step-down' },
  { key: 'stepDownRate', id: 'iop-step-down-rate', title: 'Episodes ended by step-down' },
];

/** Patient experience and treatment goals (domain/engagement-measures.ts), after the symptom and attendance measures. */
export const ENGAGEMENT_MEASURES: { key: 'satisfactionRate' | 'goalAttainmentRate'; id: string; title: string }[] = [
  { key: 'satisfactionRate', id: 'iop-satisfaction-rate', title: 'Satisfied respondents (MHSIP general satisfaction)' },
  { key: 'goalAttainmentRate', id: 'iop-goal-attainment-rate', title: 'Treatment goals achieved / goals due' },
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
    const groupBy = input.string('groupBy');
    if (groupBy !== undefined && groupBy !== 'clinician') throw badRequest(`groupBy must be clinician, not ${JSON.stringify(groupBy)}`);
    const enrollments = await loadProgramEnrollments(ctx, program.id);
    const measurements = await loadMeasurements(ctx, [...new Set(enrollments.map((e) => e.patientId))], `${CS.loinc}|${instrument.totalLoinc}`);
    const attendance = await loadEpisodeAttendance(ctx, enrollments.map((e) => e.episodeId));
    const engagement = await loadEngagementFacts(ctx, enrollments, program.timeZone);
    const episodes: ProgramEpisode[] = enrollments.map((e) => ({
      episodeId: e.episodeId, patientId: e.patientId, status: e.status, start: e.start, end: e.end, dischargeReason: e.dischargeReason,
      // A patient's scores count for the episode they fall in.
      measurements: (measurements.get(e.patientId) ?? []).filter((m) => m.date.toISOString().slice(0, 10) >= e.start && (e.end === undefined || m.date.toISOString().slice(0, 10) <= addDays(e.end, 1))),
      attendance: attendance.filter((r) => r.episodeId === e.episodeId),
    }));
    const now = nowOf(ctx).toISOString();
    const context = { from, to, now, program: program.service.name ?? program.reference, reporter: program.organization, instrument: instrument.display };
    const reportsOf = (subset: ProgramEpisode[], subject?: ReportSubject) => {
      const measures = computeProgramMeasures({ episodes: subset, from, to, timeZone: program.timeZone, instrument });
      const inSubset = new Set(subset.map((e) => e.episodeId));
      const engagementMeasures = {
        satisfactionRate: computeSatisfactionRate(engagement.surveys.filter((r) => inSubset.has(r.episodeId)), from, to),
        goalAttainmentRate: computeGoalAttainmentRate(engagement.goals.filter((g) => inSubset.has(g.episodeId)), from, to),
      };
      return [
        ...PROGRAM_MEASURES.map(({ key, id, title }) => measureReport(id, title, measures[key], measures.population, { ...context, subject })),
        ...ENGAGEMENT_MEASURES.map(({ key, id, title }) => measureReport(id, title, engagementMeasures[key], measures.population, { ...context, subject })),
      ];
    };
    const reports = reportsOf(episodes);
    if (groupBy === 'clinician') {
      for (const { clinician, subset } of await episodesByCareManager(ctx, enrollments, episodes)) reports.push(...reportsOf(subset, clinician));
    }
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', timestamp: now, entry: reports.map((resource) => ({ resource })) };
    return { status: 200, body: bundle };
  },
};

/**
 * The episodes of each care manager, by the clinician's name; episodes without one count only in the program's
 * totals. A Practitioner the caller may not read is still a group, named by the reference's own display if any.
 */
async function episodesByCareManager(ctx: FhirContext, enrollments: EnrollmentFacts[], episodes: ProgramEpisode[]): Promise<{ clinician: ReportSubject; subset: ProgramEpisode[] }[]> {
  const managerOf = new Map(enrollments.filter((e) => e.careManager?.reference).map((e) => [e.episodeId, e.careManager as ReportSubject]));
  const groups = new Map<string, { clinician: ReportSubject; subset: ProgramEpisode[] }>();
  for (const episode of episodes) {
    const manager = managerOf.get(episode.episodeId);
    if (!manager?.reference) continue;
    const group = groups.get(manager.reference) ?? { clinician: { reference: manager.reference, ...(manager.display ? { display: manager.display } : {}) }, subset: [] };
    group.subset.push(episode);
    groups.set(manager.reference, group);
  }
  const practitionerIds = [...groups.keys()].filter((r) => r.startsWith('Practitioner/')).map((r) => r.slice('Practitioner/'.length));
  const practitioners = practitionerIds.length ? await searchAll<Practitioner>(ctx, 'Practitioner', { _id: practitionerIds.join(',') }) : [];
  for (const practitioner of practitioners) {
    const group = groups.get(`Practitioner/${practitioner.id}`);
    const name = practitioner.name?.[0];
    const display = name?.text ?? [...(name?.prefix ?? []), ...(name?.given ?? []), name?.family].filter(Boolean).join(' ');
    if (group && display) group.clinician.display = display;
  }
  return [...groups.values()].sort((a, b) => (a.clinician.display ?? a.clinician.reference ?? '').localeCompare(b.clinician.display ?? b.clinician.reference ?? ''));
}

function measureReport(
  id: string, title: string, ratio: Ratio, population: number,
  context: { from: string; to: string; now: string; program: string; reporter?: MeasureReport['reporter']; instrument: string; subject?: ReportSubject },
): MeasureReport {
  const population_ = (code: string, count: number) => ({ code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-population', code }] }, count });
  return {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: `http://iop-fhir.org/fhir/Measure/${id}`,
    ...(context.subject ? { subject: context.subject } : {}),
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
