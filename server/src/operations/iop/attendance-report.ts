/**
 * GET /EpisodeOfCare/{id}/$attendance and GET /HealthcareService/{id}/$attendance?start=&end=: attendance rate and
 * hours per Monday–Sunday week (program time zone) for the patient, or for every patient of the program, by
 * domain/attendance-summary.ts; weeks are marked against the level's weekly minimum (IOP 9 h, PHP 20 h).
 */
import type { EpisodeOfCare, ParametersParameter } from '@medplum/fhirtypes';
import type { PatientAttendanceSummary } from '../../domain/attendance-summary';
import { summarizeAttendance } from '../../domain/attendance-summary';
import { addDays, compareDates, earlierDate } from '../../domain/calendar-date';
import { findLevelOfCare } from '../../domain/levels-of-care';
import { endOfLocalDay, localDateOf, startOfLocalDay } from '../../domain/time-zone';
import { badRequest, unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import { loadEpisodeAttendance, loadProgramAttendance } from './load-attendance';
import { loadProgram } from './load-program';
import { enrollmentFacts } from './map-enrollment';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { optionalDate, requireDate } from './read-input';
import { readResource } from './read-resources';

export const attendanceOperation: OperationDeclaration = {
  definition: iopOperationDefinition('attendance'),
  handler: async (input, ctx, target) => {
    const now = nowOf(ctx);
    if (target.resourceType === 'EpisodeOfCare') {
      const episode = enrollmentFacts(await readResource<EpisodeOfCare>(ctx, 'EpisodeOfCare', target.id!));
      if (!episode?.programId) throw unprocessable(`EpisodeOfCare/${target.id} is not a program enrollment (no program extension or start)`);
      const program = await loadProgram(ctx, episode.programId);
      const today = localDateOf(now, program.timeZone);
      const from = optionalDate(input, 'start') ?? episode.start;
      const to = optionalDate(input, 'end') ?? (episode.end ? earlierDate(episode.end, today) : today);
      checkPeriod(from, to);
      const minimum = findLevelOfCare(episode.levelOfCare)?.minimumWeeklyHours;
      const records = await loadEpisodeAttendance(ctx, [episode.episodeId]);
      const [summary] = summarizeAttendance(records, { from, to, timeZone: program.timeZone, minimumWeeklyHours: minimum });
      return {
        status: 200,
        body: parameters(out.date('start', from), out.date('end', to), out.decimal('minimumWeeklyHours', minimum),
          patientPart(summary ?? emptySummary(episode.patientId))),
      };
    }
    const program = await loadProgram(ctx, target.id!);
    const from = requireDate(input, 'start');
    const to = requireDate(input, 'end');
    checkPeriod(from, to);
    const minimum = program.level?.minimumWeeklyHours;
    const records = await loadProgramAttendance(ctx, program.reference, startOfLocalDay(from, program.timeZone), endOfLocalDay(to, program.timeZone));
    const summaries = summarizeAttendance(records, { from, to, timeZone: program.timeZone, minimumWeeklyHours: minimum });
    return {
      status: 200,
      body: parameters(out.date('start', from), out.date('end', to), out.decimal('minimumWeeklyHours', minimum), ...summaries.map(patientPart)),
    };
  },
};

function checkPeriod(from: string, to: string): void {
  if (compareDates(to, from) < 0) throw badRequest(`end (${to}) is before start (${from})`);
  if (compareDates(to, addDays(from, 400)) > 0) throw badRequest('The period may span at most 400 days');
}

function emptySummary(patientId: string): PatientAttendanceSummary {
  return {
    patientId, sessionsScheduled: 0, sessionsAttended: 0, absentExcused: 0, absentUnexcused: 0, cancelledByProgram: 0, notYetRecorded: 0,
    minutesAttended: 0, attendanceRate: { numerator: 0, denominator: 0, rate: null }, weeks: [], weeksBelowMinimum: 0,
  };
}

function patientPart(summary: PatientAttendanceSummary): ParametersParameter {
  return out.parts('patient',
    out.reference('patient', `Patient/${summary.patientId}`),
    out.integer('sessionsScheduled', summary.sessionsScheduled),
    out.integer('sessionsAttended', summary.sessionsAttended),
    out.integer('absentExcused', summary.absentExcused),
    out.integer('absentUnexcused', summary.absentUnexcused),
    out.integer('notYetRecorded', summary.notYetRecorded),
    out.integer('minutesAttended', summary.minutesAttended),
    out.decimal('attendanceRate', summary.attendanceRate.rate),
    out.integer('weeksBelowMinimum', summary.weeksBelowMinimum),
    ...summary.weeks.map((week) => out.parts('week',
      out.date('weekStart', week.weekStart),
      out.decimal('hoursAttended', week.hoursAttended),
      out.integer('sessionsScheduled', week.sessionsScheduled),
      out.boolean('partial', week.partial),
      out.boolean('meetsMinimum', week.meetsMinimum))),
  );
}
