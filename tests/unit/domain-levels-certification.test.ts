/** Levels of care, step-down/up, Medicare certification and plan-review due dates, compliance Tasks. */
import {
  MEDICARE_CERTIFICATION_RULES,
  MEDICARE_PLAN_REVIEW_RULES,
  nextCertificationDue,
  nextPlanReviewDue,
  projectCertificationDueDates,
} from '../../server/src/domain/certification-schedule';
import { planComplianceTasks } from '../../server/src/domain/compliance-tasks';
import type { EnrollmentEpisode } from '../../server/src/domain/levels-of-care';
import { ASAM_3_SYSTEM, MH_LEVEL_SYSTEM, findLevelOfCare, planLevelOfCareTransition } from '../../server/src/domain/levels-of-care';

const php: EnrollmentEpisode = {
  episodeId: 'ep-php',
  patientId: 'p1',
  programId: 'prog-php',
  levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-php' },
  status: 'active',
  start: '2024-03-01',
};

describe('levels of care', () => {
  test('the table carries minimum hours and the Medicare benefit', () => {
    expect(findLevelOfCare({ system: MH_LEVEL_SYSTEM, code: 'mh-iop' })).toMatchObject({ minimumWeeklyHours: 9, medicareBenefit: 'iop' });
    expect(findLevelOfCare({ system: ASAM_3_SYSTEM, code: '2.5' })).toMatchObject({ minimumWeeklyHours: 20, medicareBenefit: 'php', substanceUse: true });
    expect(findLevelOfCare({ system: MH_LEVEL_SYSTEM, code: 'nope' })).toBeUndefined();
  });

  test('PHP → IOP is a step-down: close the day before, open on the effective date', () => {
    const plan = planLevelOfCareTransition({
      current: php,
      target: { levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-iop' }, programId: 'prog-iop' },
      effectiveDate: '2024-03-20',
    });
    expect(plan).toMatchObject({
      ok: true,
      direction: 'step-down',
      close: { episodeId: 'ep-php', status: 'finished', end: '2024-03-19', dischargeReason: 'step-down' },
      open: { patientId: 'p1', programId: 'prog-iop', status: 'active', start: '2024-03-20', admissionType: 'step-down', previousEpisodeId: 'ep-php', medicareBenefit: 'iop' },
      releaseBookingsFrom: '2024-03-20',
    });
  });

  test('IOP → outpatient steps down and needs no certification; IOP → PHP steps up', () => {
    const iop: EnrollmentEpisode = { ...php, episodeId: 'ep-iop', levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-iop' } };
    const down = planLevelOfCareTransition({ current: iop, target: { levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-op' } }, effectiveDate: '2024-04-01' });
    expect(down.ok && down.direction).toBe('step-down');
    expect(down.ok && down.open.medicareBenefit).toBeUndefined();
    const up = planLevelOfCareTransition({ current: iop, target: { levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-php' } }, effectiveDate: '2024-04-01' });
    expect(up).toMatchObject({ ok: true, direction: 'step-up', close: { dischargeReason: 'step-up' }, open: { admissionType: 'step-up', medicareBenefit: 'php' } });
  });

  test('same intensity in another program is a transfer; the same level and program is refused', () => {
    const iop: EnrollmentEpisode = { ...php, levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-iop' }, programId: 'am' };
    const transfer = planLevelOfCareTransition({ current: iop, target: { levelOfCare: iop.levelOfCare, programId: 'pm' }, effectiveDate: '2024-03-05' });
    expect(transfer).toMatchObject({ ok: true, direction: 'transfer', close: { dischargeReason: 'transferred' }, open: { admissionType: 'transfer' } });
    expect(planLevelOfCareTransition({ current: iop, target: { levelOfCare: iop.levelOfCare }, effectiveDate: '2024-03-05' })).toMatchObject({
      ok: false,
      reason: 'same-level-same-program',
    });
  });

  test('refusals: finished episode, unknown levels, effective date not after start, after the end', () => {
    const target = { levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-iop' } };
    expect(planLevelOfCareTransition({ current: { ...php, status: 'finished' }, target, effectiveDate: '2024-03-20' })).toMatchObject({ ok: false, reason: 'current-not-active' });
    expect(planLevelOfCareTransition({ current: php, target: { levelOfCare: { system: 'x', code: 'y' } }, effectiveDate: '2024-03-20' })).toMatchObject({ ok: false, reason: 'unknown-target-level' });
    expect(planLevelOfCareTransition({ current: { ...php, levelOfCare: { system: 'x', code: 'y' } }, target, effectiveDate: '2024-03-20' })).toMatchObject({ ok: false, reason: 'unknown-current-level' });
    expect(planLevelOfCareTransition({ current: php, target, effectiveDate: '2024-03-01' })).toMatchObject({ ok: false, reason: 'effective-date-not-after-start' });
    expect(planLevelOfCareTransition({ current: { ...php, end: '2024-03-10' }, target, effectiveDate: '2024-03-12' })).toMatchObject({ ok: false, reason: 'effective-date-after-end' });
    // The day after the planned end is still fine: the episodes meet without overlap.
    expect(planLevelOfCareTransition({ current: { ...php, end: '2024-03-10' }, target, effectiveDate: '2024-03-11' }).ok).toBe(true);
  });

  test('a step on the second day closes the first episode on its first day', () => {
    const plan = planLevelOfCareTransition({ current: php, target: { levelOfCare: { system: MH_LEVEL_SYSTEM, code: 'mh-iop' } }, effectiveDate: '2024-03-02' });
    expect(plan.ok && plan.close.end).toBe('2024-03-01');
  });
});

describe('Medicare certification', () => {
  const iopRule = MEDICARE_CERTIFICATION_RULES.iop;
  const phpRule = MEDICARE_CERTIFICATION_RULES.php;

  test('initial certification is due on the admission day', () => {
    expect(nextCertificationDue({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: [] }, phpRule)).toEqual({
      key: 'certification|e|2024-03-01',
      kind: 'certification',
      episodeId: 'e',
      dueDate: '2024-03-01',
      sequence: 0,
    });
  });

  test('PHP: first recertification by day 18 (admission = day 1), then every 30 days', () => {
    const history = { episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: ['2024-03-01'] };
    expect(nextCertificationDue(history, phpRule)).toMatchObject({ kind: 'recertification', dueDate: '2024-03-18', sequence: 1 });
    expect(nextCertificationDue({ ...history, signedCertificationDates: ['2024-03-01', '2024-03-18'] }, phpRule)).toMatchObject({ dueDate: '2024-04-17', sequence: 2 });
    // Signed early: the next 30 days run from the actual signature.
    expect(nextCertificationDue({ ...history, signedCertificationDates: ['2024-03-15', '2024-03-01'] }, phpRule)?.dueDate).toBe('2024-04-14');
  });

  test('PHP: a late initial certification never pushes the first recertification past day 18', () => {
    expect(nextCertificationDue({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: ['2024-03-10'] }, phpRule)?.dueDate).toBe('2024-03-18');
  });

  test('IOP: recertification 60 days after the last certification, across a leap day', () => {
    const history = { episodeId: 'e', admissionDate: '2024-01-15', signedCertificationDates: ['2024-01-15'] };
    expect(nextCertificationDue(history, iopRule)).toMatchObject({ kind: 'recertification', dueDate: '2024-03-15' });
    expect(nextCertificationDue({ ...history, admissionDate: '2023-01-15', signedCertificationDates: ['2023-01-15'] }, iopRule)?.dueDate).toBe('2023-03-16');
  });

  test('nothing falls due after the episode ended', () => {
    expect(nextCertificationDue({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: ['2024-03-01'], endDate: '2024-03-17' }, phpRule)).toBeUndefined();
    expect(nextCertificationDue({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: ['2024-03-01'], endDate: '2024-03-18' }, phpRule)?.dueDate).toBe('2024-03-18');
  });

  test('projection lists the calendar of an episode', () => {
    const dates = projectCertificationDueDates({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: [] }, phpRule, '2024-05-31').map((d) => d.dueDate);
    expect(dates).toEqual(['2024-03-01', '2024-03-18', '2024-04-17', '2024-05-17']);
    expect(projectCertificationDueDates({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: [] }, phpRule, '2024-02-01')).toEqual([]);
  });
});

describe('treatment-plan reviews', () => {
  test('IOP every 60 days, PHP every 30 days, from the latest review', () => {
    const history = { episodeId: 'e', planStartDate: '2024-03-01', reviewDates: [] as string[] };
    expect(nextPlanReviewDue(history, MEDICARE_PLAN_REVIEW_RULES.iop)).toMatchObject({ kind: 'plan-review', dueDate: '2024-04-30', sequence: 1 });
    expect(nextPlanReviewDue(history, MEDICARE_PLAN_REVIEW_RULES.php)?.dueDate).toBe('2024-03-31');
    expect(nextPlanReviewDue({ ...history, reviewDates: ['2024-04-10', '2024-03-20'] }, MEDICARE_PLAN_REVIEW_RULES.php)).toMatchObject({ dueDate: '2024-05-10', sequence: 3 });
    expect(nextPlanReviewDue({ ...history, endDate: '2024-03-30' }, MEDICARE_PLAN_REVIEW_RULES.php)).toBeUndefined();
  });
});

describe('compliance Tasks before they fall due', () => {
  const tz = 'America/Chicago';
  const due = nextCertificationDue({ episodeId: 'e', admissionDate: '2024-03-01', signedCertificationDates: ['2024-03-01'] }, MEDICARE_CERTIFICATION_RULES.php)!;

  test('a Task appears leadDays before the due date, judged on the local date', () => {
    // 2024-03-14T04:00Z is still 2024-03-13 in Chicago: 5 days before the 18th, outside a 4-day lead.
    expect(planComplianceTasks({ obligations: [due], existing: [], now: new Date('2024-03-14T04:00:00Z'), timeZone: tz, leadDays: 4 }).create).toEqual([]);
    const plan = planComplianceTasks({ obligations: [due], existing: [], now: new Date('2024-03-14T06:00:00Z'), timeZone: tz, leadDays: 4 });
    expect(plan.create).toEqual([
      {
        key: 'recertification|e|2024-03-18',
        kind: 'recertification',
        episodeId: 'e',
        dueDate: '2024-03-18',
        priority: 'routine',
        overdue: false,
        description: 'Physician recertification of need for the level of care is due by 2024-03-18',
      },
    ]);
  });

  test('urgent on the due date, overdue after it; never twice for the same obligation', () => {
    expect(planComplianceTasks({ obligations: [due], existing: [], now: new Date('2024-03-18T15:00:00Z'), timeZone: tz, leadDays: 0 }).create[0]).toMatchObject({ priority: 'urgent', overdue: false });
    expect(planComplianceTasks({ obligations: [due], existing: [], now: new Date('2024-03-20T15:00:00Z'), timeZone: tz, leadDays: 3 }).create[0]).toMatchObject({ priority: 'urgent', overdue: true });
    const existing = [{ key: due.key, kind: due.kind, episodeId: 'e', status: 'requested' }];
    expect(planComplianceTasks({ obligations: [due], existing, now: new Date('2024-03-18T15:00:00Z'), timeZone: tz, leadDays: 3 })).toEqual({ create: [], obsolete: [] });
  });

  test('an open Task whose obligation moved or ended is obsolete; closed Tasks and other kinds are left alone', () => {
    const moved = { ...due, key: 'recertification|e|2024-04-14', dueDate: '2024-04-14' };
    const existing = [
      { key: due.key, kind: due.kind, episodeId: 'e', status: 'requested' },
      { key: 'recertification|e|2024-02-01', kind: due.kind, episodeId: 'e', status: 'completed' },
      { key: 'plan-review|e|2024-03-31', kind: 'plan-review' as const, episodeId: 'e', status: 'requested' },
    ];
    const plan = planComplianceTasks({ obligations: [moved], existing, now: new Date('2024-03-16T15:00:00Z'), timeZone: tz, leadDays: 3 });
    expect(plan).toEqual({ create: [], obsolete: [due.key] });
    const ended = planComplianceTasks({ obligations: [], evaluated: [{ episodeId: 'e', kind: 'plan-review' }], existing, now: new Date('2024-03-16T15:00:00Z'), timeZone: tz, leadDays: 3 });
    expect(ended.obsolete).toEqual(['plan-review|e|2024-03-31']);
  });

  test('empty input and a bad lead time', () => {
    expect(planComplianceTasks({ obligations: [], existing: [], now: new Date(), timeZone: tz, leadDays: 7 })).toEqual({ create: [], obsolete: [] });
    expect(() => planComplianceTasks({ obligations: [], existing: [], now: new Date(), timeZone: tz, leadDays: -1 })).toThrow(RangeError);
  });
});
