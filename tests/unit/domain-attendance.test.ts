/** Attendance statuses, weekly hours and attendance rate, and the missed-session flags with their resolution. */
import type { AttendanceRecord } from '../../server/src/domain/attendance-summary';
import { computeWeeklyHours, summarizeAttendance } from '../../server/src/domain/attendance-summary';
import type { AttendanceStatus } from '../../server/src/domain/attendance-status';
import { describeAttendanceStatus, parseAttendanceStatus, resolveMinutesAttended, sessionStatusFromAttendance } from '../../server/src/domain/attendance-status';
import type { MissedSessionInput } from '../../server/src/domain/attendance-flags';
import { DEFAULT_MISSED_SESSION_RULES, flagMissedSessions, missedSessionRulesFor } from '../../server/src/domain/attendance-flags';
import { zonedDateTimeToInstant } from '../../server/src/domain/time-zone';

const tz = 'America/Chicago';

function record(date: string, status: AttendanceStatus | undefined, minutes: number, time = '09:00', patientId = 'Patient/1'): AttendanceRecord {
  return { patientId, occurrenceKey: `s|${date}T${time}`, start: zonedDateTimeToInstant(date, time, tz), status, minutesAttended: minutes };
}

describe('attendance statuses', () => {
  test('map to Appointment and Encounter status', () => {
    expect(describeAttendanceStatus('present')).toMatchObject({ attended: true, appointmentStatus: 'fulfilled', encounterStatus: 'finished', countsAsNoShow: false });
    expect(describeAttendanceStatus('late-and-left-early')).toMatchObject({ attended: true, appointmentStatus: 'fulfilled', encounterStatus: 'finished' });
    expect(describeAttendanceStatus('absent-unexcused')).toMatchObject({ attended: false, appointmentStatus: 'noshow', countsAsNoShow: true, countsAsScheduled: true });
    expect(describeAttendanceStatus('absent-unexcused').encounterStatus).toBeUndefined();
    expect(describeAttendanceStatus('absent-excused')).toMatchObject({ attended: false, appointmentStatus: 'cancelled', countsAsNoShow: false, countsAsScheduled: true });
    expect(describeAttendanceStatus('cancelled-by-program')).toMatchObject({ appointmentStatus: 'cancelled', countsAsScheduled: false, defaultCancelationReason: 'program-cancelled' });
  });

  test('codes and aliases', () => {
    expect(parseAttendanceStatus('late')).toBe('late-arrival');
    expect(parseAttendanceStatus('left-early')).toBe('left-early');
    expect(parseAttendanceStatus('no-show')).toBe('absent-unexcused');
    expect(parseAttendanceStatus('sleeping')).toBeUndefined();
  });

  test('minutes attended: defaults, bounds and contradictions', () => {
    expect(resolveMinutesAttended('present', undefined, 180)).toEqual({ ok: true, minutes: 180 });
    expect(resolveMinutesAttended('present', 175, 180)).toEqual({ ok: true, minutes: 175 });
    expect(resolveMinutesAttended('late-arrival', 150, 180)).toEqual({ ok: true, minutes: 150 });
    expect(resolveMinutesAttended('late-arrival', undefined, 180)).toMatchObject({ ok: false });
    expect(resolveMinutesAttended('left-early', 181, 180)).toMatchObject({ ok: false, message: expect.stringMatching(/exceeds/) });
    expect(resolveMinutesAttended('left-early', 0, 180)).toMatchObject({ ok: false });
    expect(resolveMinutesAttended('left-early', 12.5, 180)).toMatchObject({ ok: false });
    expect(resolveMinutesAttended('absent-unexcused', undefined, 180)).toEqual({ ok: true, minutes: 0 });
    expect(resolveMinutesAttended('absent-excused', 30, 180)).toMatchObject({ ok: false });
    expect(resolveMinutesAttended('present', undefined, 0)).toMatchObject({ ok: false });
  });

  test('session-level status from everyone\'s attendance', () => {
    expect(sessionStatusFromAttendance(['absent-unexcused', 'late-arrival'])).toEqual({ appointmentStatus: 'fulfilled', encounterStatus: 'finished' });
    expect(sessionStatusFromAttendance(['absent-unexcused', 'absent-excused'])).toEqual({ appointmentStatus: 'noshow', encounterStatus: 'cancelled' });
    expect(sessionStatusFromAttendance(['cancelled-by-program', 'cancelled-by-program'])).toEqual({ appointmentStatus: 'cancelled', encounterStatus: 'cancelled' });
    expect(sessionStatusFromAttendance([])).toEqual({ appointmentStatus: 'noshow', encounterStatus: 'cancelled' });
  });
});

describe('weekly hours and attendance rate', () => {
  const records = [
    record('2024-03-04', 'present', 180),
    record('2024-03-06', 'late-arrival', 150),
    record('2024-03-08', 'absent-excused', 0),
    record('2024-03-10', 'present', 60, '23:30'), // Sunday 23:30 local = Monday UTC: still the first week
    record('2024-03-11', 'absent-unexcused', 0),
    record('2024-03-13', 'cancelled-by-program', 0),
    record('2024-03-15', undefined, 0),
  ];

  test('Monday–Sunday weeks in the program zone, DST week included', () => {
    const weeks = computeWeeklyHours(records, { from: '2024-03-04', to: '2024-03-17', timeZone: tz, minimumWeeklyHours: 9 });
    expect(weeks).toEqual([
      { weekStart: '2024-03-04', weekEnd: '2024-03-10', minutesAttended: 390, hoursAttended: 6.5, sessionsScheduled: 4, partial: false, meetsMinimum: false },
      { weekStart: '2024-03-11', weekEnd: '2024-03-17', minutesAttended: 0, hoursAttended: 0, sessionsScheduled: 1, partial: false, meetsMinimum: false },
    ]);
  });

  test('a period starting mid-week marks partial weeks and ignores records outside it', () => {
    const weeks = computeWeeklyHours(records, { from: '2024-03-06', to: '2024-03-12', timeZone: tz });
    expect(weeks.map((w) => [w.weekStart, w.minutesAttended, w.partial, w.meetsMinimum])).toEqual([
      ['2024-03-04', 210, true, undefined],
      ['2024-03-11', 0, true, undefined],
    ]);
  });

  test('the same instant lands in another week in another zone', () => {
    const utcWeeks = computeWeeklyHours(records, { from: '2024-03-04', to: '2024-03-17', timeZone: 'UTC' });
    expect(utcWeeks[1].minutesAttended).toBe(60);
  });

  test('attendance rate leaves out program cancellations and unrecorded sessions', () => {
    const [summary] = summarizeAttendance(records, { from: '2024-03-04', to: '2024-03-17', timeZone: tz, minimumWeeklyHours: 9 });
    expect(summary).toMatchObject({
      patientId: 'Patient/1',
      sessionsScheduled: 5,
      sessionsAttended: 3,
      absentExcused: 1,
      absentUnexcused: 1,
      cancelledByProgram: 1,
      notYetRecorded: 1,
      minutesAttended: 390,
      attendanceRate: { numerator: 3, denominator: 5, rate: 0.6 },
      weeksBelowMinimum: 2,
    });
  });

  test('several patients, in id order; none when there are no records', () => {
    const two = summarizeAttendance([record('2024-03-04', 'present', 180, '09:00', 'Patient/b'), record('2024-03-04', 'absent-excused', 0, '09:00', 'Patient/a')], {
      from: '2024-03-04',
      to: '2024-03-04',
      timeZone: tz,
    });
    expect(two.map((s) => [s.patientId, s.attendanceRate.rate])).toEqual([
      ['Patient/a', 0],
      ['Patient/b', 1],
    ]);
    expect(summarizeAttendance([], { from: '2024-03-04', to: '2024-03-10', timeZone: tz })).toEqual([]);
    const [onlyCancelled] = summarizeAttendance([record('2024-03-04', 'cancelled-by-program', 0)], { from: '2024-03-04', to: '2024-03-04', timeZone: tz });
    expect(onlyCancelled.attendanceRate).toEqual({ numerator: 0, denominator: 0, rate: null });
  });
});

describe('missed-session flags', () => {
  const input = (records: AttendanceRecord[], now: string, extra: Partial<MissedSessionInput> = {}): MissedSessionInput => ({
    patientId: 'Patient/1',
    episodeId: 'ep1',
    enrollmentStart: '2024-02-26',
    records,
    rules: { ...DEFAULT_MISSED_SESSION_RULES, minimumWeeklyHours: 9 },
    activeFlags: [],
    now: new Date(now),
    timeZone: tz,
    ...extra,
  });

  test('two consecutive no-shows raise a flag and an urgent outreach Task', () => {
    const result = flagMissedSessions(input([record('2024-03-04', 'present', 180), record('2024-03-06', 'absent-unexcused', 0), record('2024-03-08', 'absent-unexcused', 0)], '2024-03-08T20:00:00Z'));
    const raised = result.raise.find((r) => r.flag.code === 'consecutive-no-shows');
    expect(raised?.flag).toEqual({
      key: 'consecutive-no-shows|ep1|2024-03-06',
      code: 'consecutive-no-shows',
      patientId: 'Patient/1',
      episodeId: 'ep1',
      reason: '2 consecutive sessions missed without notice (threshold 2)',
      period: { start: '2024-03-06' },
      evidence: ['s|2024-03-06T09:00', 's|2024-03-08T09:00'],
    });
    expect(raised?.outreachTask).toMatchObject({ key: 'outreach|consecutive-no-shows|ep1|2024-03-06', priority: 'urgent', dueDate: '2024-03-09', code: 'attendance-outreach' });
  });

  test('excused absences neither count nor break the streak; sessions after now are ignored', () => {
    const records = [record('2024-03-04', 'absent-unexcused', 0), record('2024-03-06', 'absent-excused', 0), record('2024-03-08', 'absent-unexcused', 0), record('2024-03-11', 'present', 180)];
    const codes = flagMissedSessions(input(records, '2024-03-08T20:00:00Z')).raise.map((r) => r.flag.code);
    expect(codes).toContain('consecutive-no-shows');
    expect(flagMissedSessions(input(records.slice(0, 2), '2024-03-08T20:00:00Z')).raise).toEqual([]);
  });

  test('one no-show is not a streak; an attended session resolves an active flag', () => {
    const active = [{ key: 'consecutive-no-shows|ep1|2024-03-04', code: 'consecutive-no-shows' as const }];
    const records = [record('2024-03-04', 'absent-unexcused', 0), record('2024-03-06', 'absent-unexcused', 0), record('2024-03-08', 'present', 180)];
    const result = flagMissedSessions(input(records, '2024-03-08T20:00:00Z', { activeFlags: active }));
    expect(result.resolve).toEqual([{ key: 'consecutive-no-shows|ep1|2024-03-04', code: 'consecutive-no-shows', reason: 'the patient attended the latest session' }]);
    expect(result.raise.some((r) => r.flag.code === 'consecutive-no-shows')).toBe(false);
    // Still active, not raised twice.
    const again = flagMissedSessions(input(records.slice(0, 2), '2024-03-06T20:00:00Z', { activeFlags: active }));
    expect(again.raise.some((r) => r.flag.code === 'consecutive-no-shows')).toBe(false);
    expect(again.resolve).toEqual([]);
  });

  test('3 no-shows in 14 days (window counts local dates, today included), resolved when the window drops below 3', () => {
    const records = [
      record('2024-03-01', 'absent-unexcused', 0),
      record('2024-03-04', 'present', 180),
      record('2024-03-06', 'absent-unexcused', 0),
      record('2024-03-08', 'present', 180),
      record('2024-03-14', 'absent-unexcused', 0),
    ];
    const noHours = { rules: DEFAULT_MISSED_SESSION_RULES };
    // 2024-03-14 local: window 03-01 … 03-14 holds three no-shows.
    const on14th = flagMissedSessions(input(records, '2024-03-14T20:00:00Z', noHours));
    expect(on14th.raise.map((r) => r.flag.code)).toEqual(['no-shows-in-period']);
    expect(on14th.raise[0].flag.period.start).toBe('2024-03-01');
    // 2024-03-15T04:00Z is still the 14th in Chicago.
    expect(flagMissedSessions(input(records, '2024-03-15T04:00:00Z', noHours)).raise.map((r) => r.flag.code)).toEqual(['no-shows-in-period']);
    // The 15th: 03-01 leaves the window.
    const active = [{ key: on14th.raise[0].flag.key, code: 'no-shows-in-period' as const }];
    const on15th = flagMissedSessions(input(records, '2024-03-15T20:00:00Z', { ...noHours, activeFlags: active }));
    expect(on15th.resolve.map((r) => r.code)).toEqual(['no-shows-in-period']);
  });

  test('weekly hours below the minimum judge the last complete Monday–Sunday week', () => {
    const records = [record('2024-03-04', 'present', 180), record('2024-03-06', 'present', 180), record('2024-03-08', 'left-early', 170)];
    const monday = '2024-03-11T15:00:00Z';
    const below = flagMissedSessions(input(records, monday));
    expect(below.raise.map((r) => [r.flag.code, r.flag.period.start, r.outreachTask.priority])).toEqual([['below-weekly-hours', '2024-03-04', 'routine']]);
    expect(below.raise[0].flag.reason).toBe('8.83 h attended in the week of 4 March 2024, below the 9 h weekly minimum');
    // Exactly 9 hours meets it; mid-week (Sunday) the week is not complete yet, so nothing is judged.
    const nine = [record('2024-03-04', 'present', 180), record('2024-03-06', 'present', 180), record('2024-03-08', 'present', 180)];
    expect(flagMissedSessions(input(nine, monday)).raise).toEqual([]);
    expect(flagMissedSessions(input(records, '2024-03-10T20:00:00Z')).raise).toEqual([]);
    // PHP minimum 20 h.
    expect(flagMissedSessions(input(nine, monday, { rules: { ...DEFAULT_MISSED_SESSION_RULES, minimumWeeklyHours: 20 } })).raise[0].flag.code).toBe('below-weekly-hours');
  });

  test('weekly hours: not judged for a week the enrolment did not fully cover or with nothing held; resolved when a week meets it', () => {
    const records = [record('2024-03-06', 'present', 180)];
    expect(flagMissedSessions(input(records, '2024-03-11T15:00:00Z', { enrollmentStart: '2024-03-05' })).raise).toEqual([]);
    expect(flagMissedSessions(input(records, '2024-03-11T15:00:00Z', { enrollmentEnd: '2024-03-09' })).raise).toEqual([]);
    const holiday = [record('2024-03-04', 'cancelled-by-program', 0)];
    expect(flagMissedSessions(input(holiday, '2024-03-11T15:00:00Z')).raise).toEqual([]);
    const active = [{ key: 'below-weekly-hours|ep1|2024-02-26', code: 'below-weekly-hours' as const }];
    const recovered = [record('2024-03-04', 'present', 180), record('2024-03-05', 'present', 180), record('2024-03-07', 'present', 180)];
    expect(flagMissedSessions(input(recovered, '2024-03-11T15:00:00Z', { activeFlags: active })).resolve.map((r) => r.code)).toEqual(['below-weekly-hours']);
    // No minimum (outpatient): the rule is off.
    expect(flagMissedSessions(input(records, '2024-03-11T15:00:00Z', { rules: DEFAULT_MISSED_SESSION_RULES })).raise).toEqual([]);
  });

  test('rules per level: the level\'s weekly minimum, none for outpatient', () => {
    expect(missedSessionRulesFor({ minimumWeeklyHours: 20 })).toEqual({ ...DEFAULT_MISSED_SESSION_RULES, minimumWeeklyHours: 20 });
    expect(missedSessionRulesFor({})).toEqual(DEFAULT_MISSED_SESSION_RULES);
  });

  test('no records: nothing raised, nothing resolved except a windowed flag', () => {
    const result = flagMissedSessions(input([], '2024-03-11T15:00:00Z', { activeFlags: [{ key: 'k', code: 'no-shows-in-period' }] }));
    expect(result.raise).toEqual([]);
    expect(result.resolve.map((r) => r.code)).toEqual(['no-shows-in-period']);
    expect(flagMissedSessions(input([record('2024-03-04', 'absent-unexcused', 0, '09:00', 'Patient/other')], '2024-03-11T15:00:00Z')).raise).toEqual([]);
  });
});
