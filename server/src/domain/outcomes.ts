/**
 * A patient's outcomes per instrument (baseline, latest, change, response, remission, reliable change) and goal
 * achievement against a treatment-plan Goal target. Source: IOP.md §3.2 "Change rules" (response ≥ 50 % drop
 * [NCQA DRR-E]; remission PHQ-9 < 5 [CMS159]; reliable change 5 points [Löwe 2004]), §3.3 (GAD-7 ≈ 4 points),
 * §6.2 "Treatment plan" (Goal.target.measure = LOINC total code, detailQuantity / detailRange, e.g. < 10,
 * target.dueDate, achievementStatus). The thresholds come from each InstrumentDefinition's OutcomeRules.
 *
 * Baseline is the earliest measurement, latest the most recent; response, remission and reliable change need at
 * least two measurements, and are null (not determinable) otherwise or where the instrument defines no rule.
 */
import type { GoalTarget, Quantity } from '@medplum/fhirtypes';
import type { InstrumentDefinition, InstrumentId } from './instrument-definitions';
import { findInstrumentByLoinc } from './instrument-definitions';
import { localDateOf } from './time-zone';

export interface ScoredMeasurement {
  instrument: InstrumentId;
  /** When the instrument was answered (Observation.effective). */
  date: Date;
  total: number;
  observationId?: string;
}

export type ReliableChange = 'improved' | 'deteriorated' | 'no-reliable-change';

export interface InstrumentOutcome {
  instrument: InstrumentId;
  measurementCount: number;
  baseline?: ScoredMeasurement;
  latest?: ScoredMeasurement;
  /** latest − baseline (negative = fewer symptoms). */
  change?: number;
  /** change / baseline, or null for a zero baseline. */
  relativeChange?: number | null;
  response: boolean | null;
  remission: boolean | null;
  reliableChange: ReliableChange | null;
  /** Baseline above the instrument's "elevated" threshold (PHQ-9 > 9): in the response/remission denominators. */
  elevatedBaseline: boolean | null;
}

/** Outcome of one instrument from its measurements (any order; other instruments ignored). */
export function computeInstrumentOutcome(measurements: readonly ScoredMeasurement[], definition: InstrumentDefinition): InstrumentOutcome {
  const series = measurements
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.instrument === definition.id)
    .sort((a, b) => a.m.date.getTime() - b.m.date.getTime() || a.i - b.i)
    .map(({ m }) => m);
  const empty: InstrumentOutcome = { instrument: definition.id, measurementCount: series.length, response: null, remission: null, reliableChange: null, elevatedBaseline: null };
  if (series.length === 0) return empty;
  const baseline = series[0];
  const latest = series[series.length - 1];
  const rules = definition.outcome;
  const elevatedBaseline = rules.elevatedAbove === null ? null : baseline.total > rules.elevatedAbove;
  if (series.length === 1) return { ...empty, baseline, latest, change: 0, relativeChange: baseline.total === 0 ? null : 0, elevatedBaseline };
  const change = latest.total - baseline.total;
  const relativeChange = baseline.total === 0 ? null : change / baseline.total;
  const response = rules.responseDrop === null || baseline.total === 0 ? null : latest.total <= baseline.total * (1 - rules.responseDrop);
  const remission = rules.remissionBelow === null ? null : latest.total < rules.remissionBelow;
  const reliableChange: ReliableChange | null =
    rules.reliableChangePoints === null
      ? null
      : -change >= rules.reliableChangePoints
        ? 'improved'
        : change >= rules.reliableChangePoints
          ? 'deteriorated'
          : 'no-reliable-change';
  return { instrument: definition.id, measurementCount: series.length, baseline, latest, change, relativeChange, response, remission, reliableChange, elevatedBaseline };
}

/** Codes of http://terminology.hl7.org/CodeSystem/goal-achievement that this rule produces. */
export type GoalAchievementCode = 'in-progress' | 'improving' | 'worsening' | 'no-change' | 'achieved' | 'not-achieved';

export interface GoalEvaluation {
  /** The instrument the target measures, when its LOINC code is one of ours. */
  instrument?: InstrumentId;
  /** 'unsupported' when the target is not a score bound we can read (no LOINC total, no quantity or range). */
  status: 'met' | 'not-met' | 'no-data' | 'unsupported';
  achievement?: GoalAchievementCode;
  latest?: ScoredMeasurement;
  explanation: string;
}

/**
 * Whether the latest score meets a Goal target (e.g. measure 44261-6, detailQuantity {value 10, comparator '<'}).
 * Not yet met: 'not-achieved' once `target.dueDate` has passed (compared with the date of `now` in `timeZone`),
 * otherwise improving / worsening / no-change against the baseline in the direction the target asks for.
 */
export function evaluateGoalTarget(target: GoalTarget, measurements: readonly ScoredMeasurement[], now: Date, timeZone = 'UTC'): GoalEvaluation {
  const loinc = target.measure?.coding?.find((c) => c.system === 'http://loinc.org')?.code;
  const definition = loinc ? findInstrumentByLoinc(loinc) : undefined;
  if (!definition) return { status: 'unsupported', explanation: 'the target does not measure a scored instrument total (LOINC)' };
  const bound = readBound(target);
  if (!bound) return { instrument: definition.id, status: 'unsupported', explanation: 'the target has no detailQuantity, detailRange or detailInteger' };
  const outcome = computeInstrumentOutcome(measurements, definition);
  if (!outcome.latest || !outcome.baseline) return { instrument: definition.id, status: 'no-data', achievement: 'in-progress', explanation: `no ${definition.display} score yet` };
  const latest = outcome.latest;
  if (bound.test(latest.total)) {
    return { instrument: definition.id, status: 'met', achievement: 'achieved', latest, explanation: `${definition.display} ${latest.total} meets the target ${bound.text}` };
  }
  const due = target.dueDate;
  let achievement: GoalAchievementCode;
  if (due !== undefined && due < localDateOf(now, timeZone)) achievement = 'not-achieved';
  else if (outcome.measurementCount < 2 || bound.direction === 0) achievement = 'in-progress';
  else {
    const toward = bound.direction * (latest.total - outcome.baseline.total);
    achievement = toward > 0 ? 'improving' : toward < 0 ? 'worsening' : 'no-change';
  }
  return { instrument: definition.id, status: 'not-met', achievement, latest, explanation: `${definition.display} ${latest.total} does not meet the target ${bound.text}` };
}

interface Bound {
  test: (value: number) => boolean;
  text: string;
  /** +1 when higher is toward the target, −1 when lower is, 0 when neither (an exact value). */
  direction: 1 | -1 | 0;
}

function readBound(target: GoalTarget): Bound | undefined {
  if (target.detailQuantity?.value !== undefined) return quantityBound(target.detailQuantity);
  const range = target.detailRange;
  if (range && (range.low?.value !== undefined || range.high?.value !== undefined)) {
    const low = range.low?.value;
    const high = range.high?.value;
    return {
      test: (v) => (low === undefined || v >= low) && (high === undefined || v <= high),
      text: `${low ?? '…'}–${high ?? '…'}`,
      direction: high !== undefined && low === undefined ? -1 : low !== undefined && high === undefined ? 1 : 0,
    };
  }
  if (typeof target.detailInteger === 'number') {
    const value = target.detailInteger;
    return { test: (v) => v === value, text: `= ${value}`, direction: 0 };
  }
  return undefined;
}

function quantityBound(quantity: Quantity): Bound {
  const value = quantity.value as number;
  switch (quantity.comparator) {
    case '<':
      return { test: (v) => v < value, text: `< ${value}`, direction: -1 };
    case '<=':
      return { test: (v) => v <= value, text: `≤ ${value}`, direction: -1 };
    case '>':
      return { test: (v) => v > value, text: `> ${value}`, direction: 1 };
    case '>=':
      return { test: (v) => v >= value, text: `≥ ${value}`, direction: 1 };
    default:
      return { test: (v) => v === value, text: `= ${value}`, direction: 0 };
  }
}
