/**
 * Missed-session flags for one enrollment. Source: issue 6 item 3 and IOP.md §6.2 "Missed-appointment flags"
 * (≥ 2 consecutive no-shows; weekly attended hours < 9 (IOP) / < 20 (PHP) → Flag + outreach Task; payer-specific
 * thresholds as data). The thresholds are a MissedSessionRules value, not code.
 *
 * Rules, as implemented:
 * - consecutive-no-shows: the latest `consecutiveNoShows` recorded sessions (start ≤ now) are all unexcused
 *   absences. Excused absences and program cancellations are skipped: they neither count nor break a streak
 *   (a patient who no-shows, is excused, then no-shows again is still flagged). Resolved when the trailing
 *   run of no-shows is shorter than the threshold (the patient attended since).
 * - no-shows-in-period: at least `count` unexcused absences on local dates within the last `days` days (today
 *   included). Resolved when the window no longer holds that many.
 * - below-weekly-hours: the last complete Monday–Sunday week (program time zone) before today's week had fewer
 *   attended hours than the level's minimum. Weeks the enrollment did not fully cover (admitted mid-week,
 *   discharged) and weeks with no session held for the patient are not judged; the flag then keeps its state.
 *   Resolved when the last complete week meets the minimum.
 * A condition that holds while a flag of its code is active raises nothing new (one active flag per code).
 */
import type { CalendarDate } from './calendar-date';
import { addDays, compareDates, describeDate, isDateWithin, startOfIsoWeek } from './calendar-date';
import type { AttendanceRecord } from './attendance-summary';
import { computeWeeklyHours } from './attendance-summary';
import { describeAttendanceStatus } from './attendance-status';
import type { TaskPriority } from './compliance-tasks';
import { localDateOf } from './time-zone';

export type AttendanceFlagCode = 'consecutive-no-shows' | 'no-shows-in-period' | 'below-weekly-hours';

export interface MissedSessionRules {
  consecutiveNoShows: number;
  noShowsInPeriod: { count: number; days: number };
  /** Level-of-care minimum (IOP 9, PHP 20); undefined turns the weekly-hours rule off. */
  minimumWeeklyHours?: number;
  /** The outreach Task is due this many days after the flag is raised. */
  outreachDueDays: number;
}

export const DEFAULT_MISSED_SESSION_RULES: Omit<MissedSessionRules, 'minimumWeeklyHours'> = {
  consecutiveNoShows: 2,
  noShowsInPeriod: { count: 3, days: 14 },
  outreachDueDays: 1,
};

/** The default rules with the level's weekly minimum (IOP 9 h, PHP 20 h; none for outpatient levels). */
export function missedSessionRulesFor(level: { minimumWeeklyHours?: number }): MissedSessionRules {
  return { ...DEFAULT_MISSED_SESSION_RULES, ...(level.minimumWeeklyHours !== undefined ? { minimumWeeklyHours: level.minimumWeeklyHours } : {}) };
}

export interface AttendanceFlagDescriptor {
  /** Deterministic: code, episode and the date the condition started. */
  key: string;
  code: AttendanceFlagCode;
  patientId: string;
  episodeId: string;
  reason: string;
  period: { start: CalendarDate };
  /** Occurrence keys (or session start instants) that caused the flag. */
  evidence: string[];
}

export interface OutreachTaskDescriptor {
  key: string;
  flagKey: string;
  code: 'attendance-outreach';
  patientId: string;
  episodeId: string;
  priority: TaskPriority;
  dueDate: CalendarDate;
  description: string;
}

export interface ActiveAttendanceFlag {
  key: string;
  code: AttendanceFlagCode;
}

export interface MissedSessionEvaluation {
  raise: { flag: AttendanceFlagDescriptor; outreachTask: OutreachTaskDescriptor }[];
  resolve: { key: string; code: AttendanceFlagCode; reason: string }[];
}

export interface MissedSessionInput {
  patientId: string;
  episodeId: string;
  enrollmentStart: CalendarDate;
  enrollmentEnd?: CalendarDate;
  /** This enrollment's records (any order); records of other patients are ignored. */
  records: readonly AttendanceRecord[];
  rules: MissedSessionRules;
  activeFlags: readonly ActiveAttendanceFlag[];
  now: Date;
  timeZone: string;
}

const PRIORITY: Record<AttendanceFlagCode, TaskPriority> = {
  'consecutive-no-shows': 'urgent',
  'no-shows-in-period': 'urgent',
  'below-weekly-hours': 'routine',
};

type Finding = { holds: true; start: CalendarDate; reason: string; evidence: string[] } | { holds: false; reason: string } | { holds: undefined };

/** Which attendance flags to raise and which active ones to resolve for one enrollment, as of `now`. */
export function flagMissedSessions(input: MissedSessionInput): MissedSessionEvaluation {
  const today = localDateOf(input.now, input.timeZone);
  const past = input.records
    .filter((r) => r.patientId === input.patientId && r.status !== undefined && r.start.getTime() <= input.now.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const findings: [AttendanceFlagCode, Finding][] = [
    ['consecutive-no-shows', findConsecutiveNoShows(past, input)],
    ['no-shows-in-period', findNoShowsInPeriod(past, input, today)],
    ['below-weekly-hours', findBelowWeeklyHours(past, input, today)],
  ];
  const result: MissedSessionEvaluation = { raise: [], resolve: [] };
  for (const [code, finding] of findings) {
    const active = input.activeFlags.filter((f) => f.code === code);
    if (finding.holds === true && active.length === 0) {
      const key = `${code}|${input.episodeId}|${finding.start}`;
      const flag: AttendanceFlagDescriptor = { key, code, patientId: input.patientId, episodeId: input.episodeId, reason: finding.reason, period: { start: finding.start }, evidence: finding.evidence };
      result.raise.push({
        flag,
        outreachTask: {
          key: `outreach|${key}`,
          flagKey: key,
          code: 'attendance-outreach',
          patientId: input.patientId,
          episodeId: input.episodeId,
          priority: PRIORITY[code],
          dueDate: addDays(today, input.rules.outreachDueDays),
          description: `Contact the patient about attendance: ${finding.reason}`,
        },
      });
    } else if (finding.holds === false) {
      for (const flag of active) result.resolve.push({ key: flag.key, code, reason: finding.reason });
    }
  }
  return result;
}

function evidenceOf(record: AttendanceRecord): string {
  return record.occurrenceKey ?? record.start.toISOString();
}

function findConsecutiveNoShows(past: AttendanceRecord[], input: MissedSessionInput): Finding {
  const needed = input.rules.consecutiveNoShows;
  const counted = past.filter((r) => r.status !== 'absent-excused' && r.status !== 'cancelled-by-program');
  if (counted.length === 0) return { holds: undefined };
  let streak = 0;
  for (let i = counted.length - 1; i >= 0 && counted[i].status === 'absent-unexcused'; i--) streak++;
  if (streak >= needed) {
    const run = counted.slice(counted.length - streak);
    return {
      holds: true,
      start: localDateOf(run[0].start, input.timeZone),
      reason: `${streak} consecutive sessions missed without notice (threshold ${needed})`,
      evidence: run.map(evidenceOf),
    };
  }
  return { holds: false, reason: streak === 0 ? 'the patient attended the latest session' : `${streak} consecutive session(s) missed, below ${needed}` };
}

function findNoShowsInPeriod(past: AttendanceRecord[], input: MissedSessionInput, today: CalendarDate): Finding {
  const { count, days } = input.rules.noShowsInPeriod;
  const windowStart = addDays(today, -(days - 1));
  const noShows = past.filter((r) => r.status === 'absent-unexcused' && isDateWithin(localDateOf(r.start, input.timeZone), windowStart, today));
  if (noShows.length >= count) {
    return {
      holds: true,
      start: localDateOf(noShows[0].start, input.timeZone),
      reason: `${noShows.length} sessions missed without notice in the last ${days} days (threshold ${count})`,
      evidence: noShows.map(evidenceOf),
    };
  }
  return { holds: false, reason: `${noShows.length} sessions missed without notice in the last ${days} days, below ${count}` };
}

function findBelowWeeklyHours(past: AttendanceRecord[], input: MissedSessionInput, today: CalendarDate): Finding {
  const minimum = input.rules.minimumWeeklyHours;
  if (minimum === undefined) return { holds: undefined };
  const weekStart = addDays(startOfIsoWeek(today), -7);
  const weekEnd = addDays(weekStart, 6);
  if (compareDates(input.enrollmentStart, weekStart) > 0) return { holds: undefined };
  if (input.enrollmentEnd !== undefined && compareDates(input.enrollmentEnd, weekEnd) < 0) return { holds: undefined };
  const [week] = computeWeeklyHours(past, { from: weekStart, to: weekEnd, timeZone: input.timeZone, minimumWeeklyHours: minimum });
  if (week.sessionsScheduled === 0) return { holds: undefined };
  const hours = formatHours(week.hoursAttended);
  if (week.hoursAttended < minimum) {
    const evidence = past
      .filter((r) => isDateWithin(localDateOf(r.start, input.timeZone), weekStart, weekEnd) && r.status !== undefined && describeAttendanceStatus(r.status).countsAsScheduled)
      .map(evidenceOf);
    return { holds: true, start: weekStart, reason: `${hours} h attended in the week of ${describeDate(weekStart)}, below the ${minimum} h weekly minimum`, evidence };
  }
  return { holds: false, reason: `${hours} h attended in the week of ${describeDate(weekStart)}, meeting the ${minimum} h weekly minimum` };
}

function formatHours(hours: number): string {
  return String(Math.round(hours * 100) / 100);
}
