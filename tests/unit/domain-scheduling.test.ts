/** Bulk group scheduling: recurrence expansion across DST, idempotency keys, conflicts, rosters with late enrolment. */
import { detectBookingConflicts, intervalsOverlap } from '../../server/src/domain/booking-conflicts';
import type { Booking } from '../../server/src/domain/booking-conflicts';
import { MH_LEVEL_SYSTEM } from '../../server/src/domain/levels-of-care';
import type { SessionRecurrence } from '../../server/src/domain/session-recurrence';
import { expandSessionOccurrences, patientBookingKey, sessionOccurrenceKey, validateSessionRecurrence } from '../../server/src/domain/session-recurrence';
import type { RosterEnrollment } from '../../server/src/domain/session-roster';
import { planRosterBookings, selectSessionAttendees } from '../../server/src/domain/session-roster';

const base: SessionRecurrence = {
  seriesKey: 'HealthcareService/iop-am|group-psychotherapy',
  daysOfWeek: ['mon', 'wed', 'fri'],
  startTime: '09:00',
  durationMinutes: 180,
  from: '2024-03-04',
  to: '2024-03-15',
  timeZone: 'America/Chicago',
};

describe('recurrence expansion', () => {
  test('the right weekdays, both ends included, excluded dates skipped', () => {
    const occurrences = expandSessionOccurrences({ ...base, exclusions: ['2024-03-08'] });
    expect(occurrences.map((o) => o.localDate)).toEqual(['2024-03-04', '2024-03-06', '2024-03-11', '2024-03-13', '2024-03-15']);
    expect(occurrences[0]).toEqual({
      key: 'HealthcareService/iop-am|group-psychotherapy|2024-03-04T09:00',
      localDate: '2024-03-04',
      localStartTime: '09:00',
      start: new Date('2024-03-04T15:00:00Z'),
      end: new Date('2024-03-04T18:00:00Z'),
      durationMinutes: 180,
    });
  });

  test('09:00 stays 09:00 local across the spring DST change (UTC instant moves)', () => {
    const occurrences = expandSessionOccurrences(base);
    expect(occurrences.find((o) => o.localDate === '2024-03-08')?.start.toISOString()).toBe('2024-03-08T15:00:00.000Z');
    expect(occurrences.find((o) => o.localDate === '2024-03-11')?.start.toISOString()).toBe('2024-03-11T14:00:00.000Z');
  });

  test('a session in the DST gap starts after the gap and keeps its real duration', () => {
    const [sunday] = expandSessionOccurrences({ ...base, daysOfWeek: ['sun'], startTime: '02:30', durationMinutes: 60, from: '2024-03-10', to: '2024-03-10' });
    expect(sunday.start.toISOString()).toBe('2024-03-10T08:30:00.000Z'); // 03:30 CDT
    expect(sunday.end.getTime() - sunday.start.getTime()).toBe(3_600_000);
    const [fallBack] = expandSessionOccurrences({ ...base, daysOfWeek: ['sun'], startTime: '01:00', durationMinutes: 120, from: '2024-11-03', to: '2024-11-03' });
    expect(fallBack.start.toISOString()).toBe('2024-11-03T06:00:00.000Z'); // first 01:00 (CDT)
    expect(fallBack.end.toISOString()).toBe('2024-11-03T08:00:00.000Z'); // 120 real minutes: 01:00 CST
  });

  test('re-running yields the same keys; keys differ by date, time and series', () => {
    expect(expandSessionOccurrences(base).map((o) => o.key)).toEqual(expandSessionOccurrences(base).map((o) => o.key));
    expect(sessionOccurrenceKey('s', '2024-03-04', '09:00')).not.toBe(sessionOccurrenceKey('s', '2024-03-04', '13:00'));
    expect(sessionOccurrenceKey('s', '2024-03-04', '09:00')).not.toBe(sessionOccurrenceKey('t', '2024-03-04', '09:00'));
    expect(patientBookingKey('s|2024-03-04T09:00', 'Patient/1')).toBe('s|2024-03-04T09:00|Patient/1');
  });

  test('a range with no matching weekday, or fully excluded, is empty', () => {
    expect(expandSessionOccurrences({ ...base, daysOfWeek: ['sat'], from: '2024-03-04', to: '2024-03-08' })).toEqual([]);
    expect(expandSessionOccurrences({ ...base, from: '2024-03-04', to: '2024-03-04', exclusions: ['2024-03-04'] })).toEqual([]);
  });

  test('validation names every bad field', () => {
    const problems = validateSessionRecurrence({
      ...base,
      seriesKey: '',
      daysOfWeek: ['mon', 'xyz' as never],
      startTime: '9am',
      durationMinutes: 0,
      timeZone: 'Nowhere/City',
      from: '2024-03-15',
      to: '2024-03-01',
      exclusions: ['2024-02-30'],
    });
    expect(problems.map((p) => p.field).sort()).toEqual(['daysOfWeek', 'durationMinutes', 'exclusions', 'seriesKey', 'startTime', 'timeZone', 'to']);
    expect(validateSessionRecurrence({ ...base, daysOfWeek: [] })[0].field).toBe('daysOfWeek');
    expect(validateSessionRecurrence(base)).toEqual([]);
    expect(() => expandSessionOccurrences({ ...base, timeZone: 'Nowhere/City' })).toThrow(RangeError);
  });

  test('limits on span and count', () => {
    expect(validateSessionRecurrence({ ...base, from: '2024-01-01', to: '2025-06-01' }).map((p) => p.message).join()).toMatch(/at most 366 days/);
    const daily: SessionRecurrence = { ...base, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '2024-01-01', to: '2024-12-31' };
    expect(validateSessionRecurrence(daily)).toEqual([]);
    const limits = { maxSpanDays: 366, maxOccurrences: 100, maxDurationMinutes: 720 };
    expect(validateSessionRecurrence(daily, limits)).toEqual([{ field: 'to', message: 'the recurrence yields 366 sessions; at most 100 per request' }]);
    expect(validateSessionRecurrence({ ...base, durationMinutes: 721 }, limits)[0].field).toBe('durationMinutes');
    // The expansion itself is not capped by the count: validation decides what a request may ask for.
    expect(expandSessionOccurrences(daily)).toHaveLength(366);
  });
});

describe('booking conflicts', () => {
  const at = (iso: string) => new Date(iso);
  const booking = (participant: string, start: string, end: string, extra: Partial<Booking> = {}): Booking => ({
    participant,
    role: participant.startsWith('Patient') ? 'patient' : 'facilitator',
    start: at(start),
    end: at(end),
    ...extra,
  });

  test('half-open intervals: touching is not overlapping', () => {
    expect(intervalsOverlap(booking('x', '2024-03-04T15:00Z', '2024-03-04T16:00Z'), booking('x', '2024-03-04T16:00Z', '2024-03-04T17:00Z'))).toBe(false);
    expect(intervalsOverlap(booking('x', '2024-03-04T15:00Z', '2024-03-04T16:00Z'), booking('x', '2024-03-04T15:59Z', '2024-03-04T17:00Z'))).toBe(true);
  });

  test('a patient or facilitator double-booked against existing bookings', () => {
    const proposed = [
      booking('Patient/1', '2024-03-04T15:00Z', '2024-03-04T18:00Z', { key: 'k1' }),
      booking('Practitioner/9', '2024-03-04T15:00Z', '2024-03-04T18:00Z', { key: 'k2' }),
      booking('Patient/2', '2024-03-04T15:00Z', '2024-03-04T18:00Z', { key: 'k3' }),
    ];
    const existing = [
      booking('Patient/1', '2024-03-04T17:30Z', '2024-03-04T18:30Z', { appointmentId: 'a1', status: 'booked' }),
      booking('Practitioner/9', '2024-03-04T14:00Z', '2024-03-04T15:30Z', { appointmentId: 'a2', status: 'booked' }),
      booking('Patient/2', '2024-03-04T16:00Z', '2024-03-04T17:00Z', { appointmentId: 'a3', status: 'cancelled' }),
      booking('Patient/3', '2024-03-04T16:00Z', '2024-03-04T17:00Z', { appointmentId: 'a4', status: 'booked' }),
    ];
    const report = detectBookingConflicts(proposed, existing);
    expect(report.alreadyBooked).toEqual([]);
    expect(report.conflicts.map((c) => [c.participant, c.role, c.source, c.conflictsWith.appointmentId])).toEqual([
      ['Patient/1', 'patient', 'existing', 'a1'],
      ['Practitioner/9', 'facilitator', 'existing', 'a2'],
    ]);
  });

  test('re-running: proposals whose key exists are already booked, not conflicts', () => {
    const proposal = booking('Patient/1', '2024-03-04T15:00Z', '2024-03-04T18:00Z', { key: 'k1' });
    const report = detectBookingConflicts([proposal], [{ ...proposal, appointmentId: 'a1', status: 'booked' }]);
    expect(report).toEqual({ conflicts: [], alreadyBooked: ['k1'] });
  });

  test('two series in one request that collide with each other', () => {
    const report = detectBookingConflicts(
      [
        booking('Practitioner/9', '2024-03-04T15:00Z', '2024-03-04T18:00Z', { key: 'am' }),
        booking('Practitioner/9', '2024-03-04T17:00Z', '2024-03-04T19:00Z', { key: 'pm' }),
        booking('Practitioner/9', '2024-03-04T19:00Z', '2024-03-04T20:00Z', { key: 'eve' }),
      ],
      [],
    );
    expect(report.conflicts.map((c) => [c.proposed.key, c.conflictsWith.key, c.source])).toEqual([['pm', 'am', 'proposed']]);
  });

  test('empty input', () => {
    expect(detectBookingConflicts([], [])).toEqual({ conflicts: [], alreadyBooked: [] });
  });
});

describe('rosters', () => {
  const iop = { system: MH_LEVEL_SYSTEM, code: 'mh-iop' };
  const php = { system: MH_LEVEL_SYSTEM, code: 'mh-php' };
  const enrollments: RosterEnrollment[] = [
    { patientId: 'Patient/a', episodeId: 'e-a', programId: 'am', levelOfCare: iop, status: 'active', start: '2024-03-01' },
    { patientId: 'Patient/b', episodeId: 'e-b', programId: 'am', levelOfCare: iop, status: 'finished', start: '2024-02-01', end: '2024-03-06' },
    { patientId: 'Patient/c', episodeId: 'e-c', programId: 'am', levelOfCare: php, status: 'active', start: '2024-03-01' },
    { patientId: 'Patient/d', episodeId: 'e-d', programId: 'am', levelOfCare: iop, status: 'onhold', start: '2024-03-01' },
    { patientId: 'Patient/e', episodeId: 'e-e', programId: 'pm', levelOfCare: iop, status: 'active', start: '2024-03-01' },
    { patientId: 'Patient/f', episodeId: 'e-f', programId: 'am', levelOfCare: iop, status: 'planned', start: '2024-03-11' },
  ];

  test('who belongs on a date: program, level filter, enrolment period, status', () => {
    const ids = (date: string, filter = {}) => selectSessionAttendees(date, enrollments, { programId: 'am', ...filter }).map((e) => e.patientId);
    expect(ids('2024-03-06')).toEqual(['Patient/a', 'Patient/b', 'Patient/c']);
    expect(ids('2024-03-07')).toEqual(['Patient/a', 'Patient/c']);
    expect(ids('2024-03-11', { levelsOfCare: [iop] })).toEqual(['Patient/a', 'Patient/f']);
    expect(ids('2024-02-29')).toEqual(['Patient/b']);
    expect(selectSessionAttendees('2024-03-06', [], {})).toEqual([]);
  });

  test('a patient with two matching episodes is booked once, under the latest', () => {
    const stepped = [
      { ...enrollments[0], episodeId: 'old', start: '2024-02-01', end: '2024-03-10', status: 'finished' as const },
      { ...enrollments[0], episodeId: 'new', start: '2024-03-10' },
    ];
    expect(selectSessionAttendees('2024-03-10', stepped).map((e) => e.episodeId)).toEqual(['new']);
  });

  test('future occurrences only, idempotent, and late enrolments added to what remains', () => {
    const occurrences = expandSessionOccurrences(base);
    const now = new Date('2024-03-06T16:00:00Z'); // during the 2024-03-06 session
    const first = planRosterBookings(occurrences, enrollments, { programId: 'am', levelsOfCare: [iop] }, [], now);
    expect(first.filter((b) => b.patientId === 'Patient/a').map((b) => b.occurrenceKey.slice(-16))).toEqual([
      '2024-03-08T09:00',
      '2024-03-11T09:00',
      '2024-03-13T09:00',
      '2024-03-15T09:00',
    ]);
    expect(first.some((b) => b.patientId === 'Patient/b')).toBe(false); // ended before the next future session
    expect(first.filter((b) => b.patientId === 'Patient/f')).toHaveLength(3);
    expect(planRosterBookings(occurrences, enrollments, { programId: 'am', levelsOfCare: [iop] }, first.map((b) => b.key), now)).toEqual([]);

    const late: RosterEnrollment = { patientId: 'Patient/g', episodeId: 'e-g', programId: 'am', levelOfCare: iop, status: 'active', start: '2024-03-12' };
    const added = planRosterBookings(occurrences, [...enrollments, late], { programId: 'am', levelsOfCare: [iop] }, first.map((b) => b.key), now);
    expect(added).toEqual([
      { key: `${occurrences[4].key}|Patient/g`, occurrenceKey: occurrences[4].key, patientId: 'Patient/g', episodeId: 'e-g' },
      { key: `${occurrences[5].key}|Patient/g`, occurrenceKey: occurrences[5].key, patientId: 'Patient/g', episodeId: 'e-g' },
    ]);
  });
});
