/**
 * Program-level measures for accreditation and payers, as plain numerators and denominators (the operation turns
 * them into MeasureReports). Source: IOP.md §4.1 (TJC CTS.03.01.09: every individual measured, aggregated per
 * population), §4.2 (response ≥ 50 %, remission < 5 among patients with an elevated index PHQ-9 > 9), §4.4
 * ("attendance rate, % reaching ≥ 9 h/week, PHQ-9 response at discharge, completion/step-down rate").
 *
 * Definitions for a period [from, to] (program-local dates):
 * - Population: episodes active at any time in the period (start ≤ to and (no end or end ≥ from)), statuses
 *   planned/waitlist/cancelled/entered-in-error excluded.
 * - Measurement rate: episodes with ≥ 1 score of the instrument dated in the period / population.
 * - Response and remission rates: denominator = population episodes whose first score (baseline) is elevated
 *   (PHQ-9 > 9) and was taken by the end of the period; numerator = the latest score by the end of the period,
 *   taken after the baseline, shows response (≤ 50 % of baseline) / remission (< 5). No follow-up score = not met.
 * - Attendance rate: sessions attended / sessions held for the patients (attendance-summary definitions), dated in
 *   the period.
 * - Completion rate: episodes that ended in the period with discharge reason 'completed' or 'step-down' / all
 *   episodes that ended in the period; step-down rate likewise with 'step-down' only.
 */
import type { CalendarDate } from './calendar-date';
import { compareDates, isDateWithin } from './calendar-date';
import type { AttendanceRecord, Ratio } from './attendance-summary';
import { ratio } from './attendance-summary';
import { describeAttendanceStatus } from './attendance-status';
import type { InstrumentDefinition } from './instrument-definitions';
import type { EpisodeStatus } from './levels-of-care';
import type { ScoredMeasurement } from './outcomes';
import { computeInstrumentOutcome } from './outcomes';
import { endOfLocalDay, localDateOf } from './time-zone';

export interface ProgramEpisode {
  episodeId: string;
  patientId: string;
  status: EpisodeStatus;
  start: CalendarDate;
  end?: CalendarDate;
  /** DischargeReason code, when ended. */
  dischargeReason?: string;
  measurements: readonly ScoredMeasurement[];
  attendance: readonly AttendanceRecord[];
}

export interface ProgramMeasureRequest {
  episodes: readonly ProgramEpisode[];
  from: CalendarDate;
  to: CalendarDate;
  timeZone: string;
  instrument: InstrumentDefinition;
  completionReasons?: readonly string[];
}

export interface ProgramMeasures {
  population: number;
  measurementRate: Ratio;
  responseRate: Ratio;
  remissionRate: Ratio;
  attendanceRate: Ratio;
  completionRate: Ratio;
  stepDownRate: Ratio;
}

const EXCLUDED = new Set<EpisodeStatus>(['planned', 'waitlist', 'cancelled', 'entered-in-error']);
export const DEFAULT_COMPLETION_REASONS: readonly string[] = ['completed', 'step-down'];

export function computeProgramMeasures(request: ProgramMeasureRequest): ProgramMeasures {
  const { from, to, timeZone, instrument } = request;
  const completionReasons = new Set(request.completionReasons ?? DEFAULT_COMPLETION_REASONS);
  const periodEnd = endOfLocalDay(to, timeZone);
  const inPeriod = (d: Date) => isDateWithin(localDateOf(d, timeZone), from, to);
  const population = request.episodes.filter(
    (e) => !EXCLUDED.has(e.status) && compareDates(e.start, to) <= 0 && (e.end === undefined || compareDates(e.end, from) >= 0),
  );
  let measured = 0;
  let elevated = 0;
  let responded = 0;
  let remitted = 0;
  let attended = 0;
  let held = 0;
  for (const episode of population) {
    const own = episode.measurements.filter((m) => m.instrument === instrument.id);
    if (own.some((m) => inPeriod(m.date))) measured += 1;
    const outcome = computeInstrumentOutcome(
      own.filter((m) => m.date.getTime() < periodEnd.getTime()),
      instrument,
    );
    if (outcome.elevatedBaseline) {
      elevated += 1;
      if (outcome.response === true) responded += 1;
      if (outcome.remission === true) remitted += 1;
    }
    for (const record of episode.attendance) {
      if (record.status === undefined || !inPeriod(record.start)) continue;
      const meaning = describeAttendanceStatus(record.status);
      if (meaning.countsAsScheduled) held += 1;
      if (meaning.attended) attended += 1;
    }
  }
  const ended = population.filter((e) => e.status === 'finished' && e.end !== undefined && isDateWithin(e.end, from, to));
  const completed = ended.filter((e) => e.dischargeReason !== undefined && completionReasons.has(e.dischargeReason)).length;
  const steppedDown = ended.filter((e) => e.dischargeReason === 'step-down').length;
  return {
    population: population.length,
    measurementRate: ratio(measured, population.length),
    responseRate: ratio(responded, elevated),
    remissionRate: ratio(remitted, elevated),
    attendanceRate: ratio(attended, held),
    completionRate: ratio(completed, ended.length),
    stepDownRate: ratio(steppedDown, ended.length),
  };
}
