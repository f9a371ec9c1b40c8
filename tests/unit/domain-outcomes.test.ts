/** Patient outcomes per instrument, Goal achievement, and program-level measures. */
import type { GoalTarget } from '@medplum/fhirtypes';
import { GAD7, PCL5, PHQ9, AUDIT_C } from '../../server/src/domain/instrument-definitions';
import type { ScoredMeasurement } from '../../server/src/domain/outcomes';
import { computeInstrumentOutcome, evaluateGoalTarget } from '../../server/src/domain/outcomes';
import type { ProgramEpisode } from '../../server/src/domain/program-measures';
import { computeProgramMeasures } from '../../server/src/domain/program-measures';
import { zonedDateTimeToInstant } from '../../server/src/domain/time-zone';

const phq = (date: string, total: number): ScoredMeasurement => ({ instrument: 'phq-9', date: new Date(`${date}T15:00:00Z`), total });
const gad = (date: string, total: number): ScoredMeasurement => ({ instrument: 'gad-7', date: new Date(`${date}T15:00:00Z`), total });

describe('instrument outcomes', () => {
  test('baseline, latest, change; response at exactly 50 %; remission below 5; reliable change 5 points', () => {
    const outcome = computeInstrumentOutcome([phq('2024-03-15', 9), phq('2024-03-01', 18), phq('2024-03-08', 12), gad('2024-03-20', 1)], PHQ9);
    expect(outcome).toMatchObject({
      instrument: 'phq-9',
      measurementCount: 3,
      baseline: { total: 18 },
      latest: { total: 9 },
      change: -9,
      relativeChange: -0.5,
      response: true,
      remission: false,
      reliableChange: 'improved',
      elevatedBaseline: true,
    });
  });

  test('boundaries: 49 % is no response, 5 is not remission, 4 points is no reliable change', () => {
    expect(computeInstrumentOutcome([phq('2024-03-01', 19), phq('2024-03-20', 10)], PHQ9)).toMatchObject({ response: false, reliableChange: 'improved' });
    expect(computeInstrumentOutcome([phq('2024-03-01', 9), phq('2024-03-20', 5)], PHQ9)).toMatchObject({ remission: false, reliableChange: 'no-reliable-change', elevatedBaseline: false });
    expect(computeInstrumentOutcome([phq('2024-03-01', 9), phq('2024-03-20', 4)], PHQ9)).toMatchObject({ remission: true, reliableChange: 'improved' });
    expect(computeInstrumentOutcome([phq('2024-03-01', 10), phq('2024-03-20', 15)], PHQ9).reliableChange).toBe('deteriorated');
  });

  test('GAD-7: reliable change 4 points, remission below 5', () => {
    expect(computeInstrumentOutcome([gad('2024-03-01', 12), gad('2024-03-20', 8)], GAD7)).toMatchObject({ reliableChange: 'improved', response: false, remission: false });
    expect(computeInstrumentOutcome([gad('2024-03-01', 12), gad('2024-03-20', 9)], GAD7).reliableChange).toBe('no-reliable-change');
    expect(computeInstrumentOutcome([gad('2024-03-01', 8), gad('2024-03-20', 4)], GAD7)).toMatchObject({ response: true, remission: true });
  });

  test('instruments without a rule report null; PCL-5 reliable change needs 10 points', () => {
    const pcl = (date: string, total: number): ScoredMeasurement => ({ instrument: 'pcl-5', date: new Date(`${date}T00:00:00Z`), total });
    expect(computeInstrumentOutcome([pcl('2024-03-01', 50), pcl('2024-03-20', 41)], PCL5)).toMatchObject({ response: null, remission: null, reliableChange: 'no-reliable-change' });
    expect(computeInstrumentOutcome([pcl('2024-03-01', 50), pcl('2024-03-20', 40)], PCL5).reliableChange).toBe('improved');
    const audit = (date: string, total: number): ScoredMeasurement => ({ instrument: 'audit-c', date: new Date(`${date}T00:00:00Z`), total });
    expect(computeInstrumentOutcome([audit('2024-03-01', 8), audit('2024-03-20', 2)], AUDIT_C)).toMatchObject({ change: -6, response: null, remission: null, reliableChange: null, elevatedBaseline: null });
  });

  test('one measurement: baseline = latest, nothing determinable; none: empty; zero baseline: no response', () => {
    expect(computeInstrumentOutcome([phq('2024-03-01', 14)], PHQ9)).toMatchObject({ measurementCount: 1, change: 0, response: null, remission: null, reliableChange: null, elevatedBaseline: true });
    expect(computeInstrumentOutcome([], PHQ9)).toEqual({ instrument: 'phq-9', measurementCount: 0, response: null, remission: null, reliableChange: null, elevatedBaseline: null });
    expect(computeInstrumentOutcome([phq('2024-03-01', 0), phq('2024-03-20', 0)], PHQ9)).toMatchObject({ response: null, relativeChange: null, remission: true });
  });

  test('same-instant measurements keep their given order', () => {
    expect(computeInstrumentOutcome([phq('2024-03-01', 20), phq('2024-03-01', 10)], PHQ9)).toMatchObject({ baseline: { total: 20 }, latest: { total: 10 } });
  });
});

describe('Goal achievement', () => {
  const now = new Date('2024-04-01T12:00:00Z');
  const phqTarget = (extra: Partial<GoalTarget>): GoalTarget => ({ measure: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] }, ...extra });

  test('PHQ-9 < 10: met at 9, not at 10', () => {
    const target = phqTarget({ detailQuantity: { value: 10, comparator: '<' } });
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 18), phq('2024-03-25', 9)], now)).toMatchObject({ instrument: 'phq-9', status: 'met', achievement: 'achieved' });
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 18), phq('2024-03-25', 10)], now)).toMatchObject({ status: 'not-met', achievement: 'improving' });
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 12), phq('2024-03-25', 15)], now).achievement).toBe('worsening');
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 12), phq('2024-03-25', 12)], now).achievement).toBe('no-change');
    expect(evaluateGoalTarget(target, [phq('2024-03-25', 12)], now).achievement).toBe('in-progress');
  });

  test('comparators, ranges and exact values', () => {
    const measurements = [phq('2024-03-01', 18), phq('2024-03-25', 10)];
    expect(evaluateGoalTarget(phqTarget({ detailQuantity: { value: 10, comparator: '<=' } }), measurements, now).status).toBe('met');
    expect(evaluateGoalTarget(phqTarget({ detailQuantity: { value: 10, comparator: '>=' } }), measurements, now).status).toBe('met');
    expect(evaluateGoalTarget(phqTarget({ detailQuantity: { value: 10, comparator: '>' } }), measurements, now)).toMatchObject({ status: 'not-met', achievement: 'worsening' });
    expect(evaluateGoalTarget(phqTarget({ detailRange: { high: { value: 9 } } }), measurements, now)).toMatchObject({ status: 'not-met', achievement: 'improving' });
    expect(evaluateGoalTarget(phqTarget({ detailRange: { low: { value: 5 }, high: { value: 10 } } }), measurements, now).status).toBe('met');
    expect(evaluateGoalTarget(phqTarget({ detailInteger: 10 }), measurements, now).status).toBe('met');
    expect(evaluateGoalTarget(phqTarget({ detailQuantity: { value: 10 } }), measurements, now).status).toBe('met');
  });

  test('past the due date and not met: not-achieved', () => {
    const target = phqTarget({ detailQuantity: { value: 10, comparator: '<' }, dueDate: '2024-03-31' });
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 18), phq('2024-03-25', 12)], now).achievement).toBe('not-achieved');
    expect(evaluateGoalTarget({ ...target, dueDate: '2024-04-01' }, [phq('2024-03-01', 18), phq('2024-03-25', 12)], now).achievement).toBe('improving');
    // 2024-04-01T02:00Z is still March 31 in Chicago: not past a March 31 due date there.
    const lateEvening = new Date('2024-04-01T02:00:00Z');
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 18), phq('2024-03-25', 12)], lateEvening, 'America/Chicago').achievement).toBe('improving');
    expect(evaluateGoalTarget(target, [phq('2024-03-01', 18), phq('2024-03-25', 12)], lateEvening).achievement).toBe('not-achieved');
  });

  test('no data, other instruments, unsupported targets', () => {
    const target = phqTarget({ detailQuantity: { value: 10, comparator: '<' } });
    expect(evaluateGoalTarget(target, [gad('2024-03-01', 3)], now)).toMatchObject({ status: 'no-data', achievement: 'in-progress' });
    expect(evaluateGoalTarget({ measure: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, detailQuantity: { value: 120 } }, [], now).status).toBe('unsupported');
    expect(evaluateGoalTarget({ detailString: 'feel better' }, [], now).status).toBe('unsupported');
    expect(evaluateGoalTarget(phqTarget({ detailString: 'lower' }), [], now)).toMatchObject({ instrument: 'phq-9', status: 'unsupported' });
    const gadTarget: GoalTarget = { measure: { coding: [{ system: 'http://loinc.org', code: '70274-6' }] }, detailQuantity: { value: 5, comparator: '<' } };
    expect(evaluateGoalTarget(gadTarget, [gad('2024-03-01', 12), gad('2024-03-20', 4)], now)).toMatchObject({ instrument: 'gad-7', status: 'met' });
  });
});

describe('program measures', () => {
  const tz = 'America/Chicago';
  const session = (date: string, status: ProgramEpisode['attendance'][number]['status']) => ({
    patientId: 'x',
    start: zonedDateTimeToInstant(date, '09:00', tz),
    status,
    minutesAttended: status === 'present' ? 180 : 0,
  });
  const episode = (id: string, extra: Partial<ProgramEpisode>): ProgramEpisode => ({
    episodeId: id,
    patientId: `Patient/${id}`,
    status: 'active',
    start: '2024-02-01',
    measurements: [],
    attendance: [],
    ...extra,
  });

  test('rates with numerators and denominators over a period', () => {
    const episodes = [
      episode('a', { measurements: [phq('2024-02-01', 20), phq('2024-03-10', 8)], attendance: [session('2024-03-04', 'present'), session('2024-03-06', 'absent-unexcused')] }),
      episode('b', { measurements: [phq('2024-02-01', 12), phq('2024-03-10', 4)], status: 'finished', end: '2024-03-15', dischargeReason: 'step-down' }),
      episode('c', { measurements: [phq('2024-02-01', 6)], status: 'finished', end: '2024-03-20', dischargeReason: 'against-advice' }),
      episode('d', { measurements: [phq('2024-03-05', 15)], attendance: [session('2024-03-05', 'present'), session('2024-03-07', 'cancelled-by-program'), session('2024-04-02', 'present')] }),
      episode('e', { status: 'finished', start: '2024-01-01', end: '2024-02-15', dischargeReason: 'completed', measurements: [phq('2024-01-02', 20)] }),
      episode('f', { status: 'planned', start: '2024-03-20' }),
      episode('g', { measurements: [phq('2024-02-01', 14), phq('2024-04-10', 2)] }),
    ];
    const measures = computeProgramMeasures({ episodes, from: '2024-03-01', to: '2024-03-31', timeZone: tz, instrument: PHQ9 });
    expect(measures).toEqual({
      population: 5, // a, b, c, d, g (e ended before, f only planned)
      measurementRate: { numerator: 3, denominator: 5, rate: 0.6 }, // a, b, d measured in March
      responseRate: { numerator: 2, denominator: 4, rate: 0.5 }, // elevated: a, b, d, g; response a (20→8), b (12→4); d no follow-up; g's follow-up is after the period
      remissionRate: { numerator: 1, denominator: 4, rate: 0.25 }, // b
      attendanceRate: { numerator: 2, denominator: 3, rate: 2 / 3 }, // a present + absent, d present (cancelled not held; April outside)
      completionRate: { numerator: 1, denominator: 2, rate: 0.5 }, // b step-down, c against advice
      stepDownRate: { numerator: 1, denominator: 2, rate: 0.5 },
    });
  });

  test('no episodes: every rate is null over a zero denominator', () => {
    const measures = computeProgramMeasures({ episodes: [], from: '2024-03-01', to: '2024-03-31', timeZone: tz, instrument: PHQ9 });
    expect(measures.population).toBe(0);
    expect(measures.responseRate).toEqual({ numerator: 0, denominator: 0, rate: null });
    expect(measures.completionRate.rate).toBeNull();
  });

  test('a score on the last local evening of the period counts; completion reasons are data', () => {
    const lateEvening = { instrument: 'phq-9' as const, date: new Date('2024-04-01T03:00:00Z'), total: 4 }; // 2024-03-31 22:00 CDT
    const episodes = [episode('a', { measurements: [phq('2024-02-01', 20), lateEvening], status: 'finished', end: '2024-03-31', dischargeReason: 'completed' })];
    const measures = computeProgramMeasures({ episodes, from: '2024-03-01', to: '2024-03-31', timeZone: tz, instrument: PHQ9, completionReasons: ['completed'] });
    expect(measures.measurementRate.numerator).toBe(1);
    expect(measures.remissionRate).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(measures.completionRate.rate).toBe(1);
    expect(measures.stepDownRate.rate).toBe(0);
  });
});
