/** Authorization units: consumption by unit type (midpoint rule), exhaustion and period warnings, scheduling checks. */
import type { AuthorizationState } from '../../server/src/domain/authorization-units';
import { applyAuthorizationUsage, checkAuthorizationForScheduling, unitsForService } from '../../server/src/domain/authorization-units';

const auth = (extra: Partial<AuthorizationState> = {}): AuthorizationState => ({
  unitType: 'day',
  authorizedUnits: 10,
  usedUnits: 0,
  period: { start: '2024-03-01', end: '2024-03-31' },
  ...extra,
});

describe('units a service consumes', () => {
  test('day units count each date once', () => {
    expect(unitsForService('day', 60, '2024-03-04')).toBe(1);
    expect(unitsForService('day', 60, '2024-03-04', ['2024-03-04'])).toBe(0);
  });

  test('sessions count one each', () => {
    expect(unitsForService('session', 5, '2024-03-04')).toBe(1);
  });

  test('15-minute units and hours by the midpoint rule', () => {
    expect([0, 7, 8, 15, 22, 23, 60].map((m) => unitsForService('unit-15-min', m, '2024-03-04'))).toEqual([0, 0, 1, 1, 1, 2, 4]);
    expect([30, 31, 60, 90, 91, 180].map((m) => unitsForService('hour', m, '2024-03-04'))).toEqual([0, 1, 1, 1, 2, 3]);
  });
});

describe('decrementing', () => {
  test('decrements and tracks counted dates', () => {
    const first = applyAuthorizationUsage(auth({ usedUnits: 3 }), '2024-03-04', 180);
    expect(first).toEqual({ unitsConsumed: 1, usedUnits: 4, remainingUnits: 6, countedDates: ['2024-03-04'], warnings: [] });
    const second = applyAuthorizationUsage(auth({ usedUnits: 4, countedDates: first.countedDates }), '2024-03-04', 60);
    expect(second).toMatchObject({ unitsConsumed: 0, usedUnits: 4, remainingUnits: 6 });
  });

  test('warns when the last unit is used and when units are exceeded', () => {
    expect(applyAuthorizationUsage(auth({ usedUnits: 9 }), '2024-03-04', 60).warnings).toEqual([{ code: 'authorization-exhausted', message: 'All 10 authorized units are used' }]);
    expect(applyAuthorizationUsage(auth({ usedUnits: 10 }), '2024-03-05', 60)).toMatchObject({
      remainingUnits: -1,
      warnings: [{ code: 'authorization-exceeded', message: '1 unit(s) used beyond the 10 authorized' }],
    });
  });

  test('warns for a service outside the authorized period (both edges inclusive)', () => {
    expect(applyAuthorizationUsage(auth(), '2024-03-31', 60).warnings).toEqual([]);
    expect(applyAuthorizationUsage(auth(), '2024-03-01', 60).warnings).toEqual([]);
    expect(applyAuthorizationUsage(auth(), '2024-04-01', 60).warnings.map((w) => w.code)).toEqual(['authorization-period-ended']);
    expect(applyAuthorizationUsage(auth(), '2024-02-29', 60).warnings.map((w) => w.code)).toEqual(['authorization-not-started']);
    expect(applyAuthorizationUsage(auth({ period: { start: '2024-03-01' } }), '2030-01-01', 60).warnings).toEqual([]);
  });
});

describe('scheduling against an authorization', () => {
  const tz = 'America/Chicago';
  const planned = ['2024-03-11', '2024-03-13', '2024-03-15'].map((serviceDate) => ({ serviceDate, minutes: 180 }));

  test('enough units, period well ahead: no warning', () => {
    expect(checkAuthorizationForScheduling(auth(), planned, new Date('2024-03-08T15:00:00Z'), tz)).toEqual({ remainingUnits: 10, plannedUnits: 3, warnings: [] });
  });

  test('none left, not enough left', () => {
    expect(checkAuthorizationForScheduling(auth({ usedUnits: 10 }), planned, new Date('2024-03-08T15:00:00Z'), tz).warnings.map((w) => w.code)).toEqual(['authorization-exhausted']);
    expect(checkAuthorizationForScheduling(auth({ usedUnits: 8 }), planned, new Date('2024-03-08T15:00:00Z'), tz).warnings).toEqual([
      { code: 'authorization-insufficient', message: 'The planned services need 3 unit(s); 2 remain' },
    ]);
  });

  test('period ended (judged on the local date), expiring soon, planned dates beyond the end', () => {
    const ended = checkAuthorizationForScheduling(auth(), planned, new Date('2024-04-01T04:00:00Z'), tz); // still 03-31 in Chicago
    expect(ended.warnings.map((w) => w.code)).toEqual(['authorization-expiring']);
    expect(checkAuthorizationForScheduling(auth(), planned, new Date('2024-04-01T06:00:00Z'), tz).warnings.map((w) => w.code)).toContain('authorization-period-ended');
    expect(checkAuthorizationForScheduling(auth(), planned, new Date('2024-03-24T15:00:00Z'), tz).warnings.map((w) => w.code)).toEqual(['authorization-expiring']);
    expect(checkAuthorizationForScheduling(auth(), planned, new Date('2024-03-23T15:00:00Z'), tz).warnings).toEqual([]);
    const beyond = checkAuthorizationForScheduling(auth({ period: { start: '2024-03-01', end: '2024-03-12' } }), planned, new Date('2024-03-01T15:00:00Z'), tz);
    expect(beyond.warnings).toEqual([{ code: 'authorization-period-ended', message: '2 planned service(s) fall outside the authorized period 2024-03-01 – 2024-03-12' }]);
  });

  test('day units: two sessions the same day need one unit; nothing planned needs none', () => {
    const sameDay = [{ serviceDate: '2024-03-11', minutes: 90 }, { serviceDate: '2024-03-11', minutes: 90 }];
    expect(checkAuthorizationForScheduling(auth({ usedUnits: 9 }), sameDay, new Date('2024-03-08T15:00:00Z'), tz)).toEqual({ remainingUnits: 1, plannedUnits: 1, warnings: [] });
    expect(checkAuthorizationForScheduling(auth(), [], new Date('2024-03-08T15:00:00Z'), tz)).toEqual({ remainingUnits: 10, plannedUnits: 0, warnings: [] });
  });
});
