/**
 * Missed-session Flags and outreach Tasks for enrollments, by the rules of domain/attendance-flags.ts (2
 * consecutive no-shows, 3 in 14 days, weekly hours below the level's minimum). A raised Flag carries the
 * domain's key as identifier (one active Flag per rule and episode); a Flag whose condition no longer holds is
 * made inactive and its open outreach Task cancelled, with the reason.
 */
import type { Flag, Task } from '@medplum/fhirtypes';
import type { ActiveAttendanceFlag, AttendanceFlagCode } from '../../domain/attendance-flags';
import { flagMissedSessions, missedSessionRulesFor } from '../../domain/attendance-flags';
import { findLevelOfCare } from '../../domain/levels-of-care';
import type { FhirContext } from '../../fhir/types';
import { CS, EXT, ID, keyIdentifier, PROFILE } from './iop-vocabulary';
import { loadEpisodeAttendance } from './load-attendance';
import type { EnrollmentFacts } from './map-enrollment';
import { keyOf } from './map-appointments';
import { searchAll } from './read-resources';
import type { WriteSet } from './write-transaction';

const CODES: readonly AttendanceFlagCode[] = ['consecutive-no-shows', 'no-shows-in-period', 'below-weekly-hours'];
const OPEN_TASK = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

export interface FlagChanges {
  raised: number;
  resolved: number;
}

export async function evaluateAttendanceFlags(
  ctx: FhirContext, enrollments: readonly EnrollmentFacts[], writes: WriteSet, options: { now: Date; timeZone: string },
): Promise<FlagChanges> {
  const judged = enrollments.filter((e) => e.status === 'active' || e.status === 'onhold' || e.status === 'finished');
  if (judged.length === 0) return { raised: 0, resolved: 0 };
  const records = await loadEpisodeAttendance(ctx, judged.map((e) => e.episodeId));
  const patients = [...new Set(judged.map((e) => `Patient/${e.patientId}`))].join(',');
  // R4 Flag has no status search parameter.
  const flags = (await searchAll<Flag>(ctx, 'Flag', { patient: patients, identifier: `${ID.attendanceFlag}|` })).filter((f) => f.status === 'active');
  const tasks = await searchAll<Task>(ctx, 'Task', { patient: patients, identifier: `${ID.outreachTask}|` });
  const changes: FlagChanges = { raised: 0, resolved: 0 };
  for (const enrollment of judged) {
    const active = flags.map((flag) => ({ flag, key: keyOf(flag, ID.attendanceFlag) ?? '' })).filter(({ key }) => key.split('|')[1] === enrollment.episodeId);
    const activeFlags: ActiveAttendanceFlag[] = active
      .map(({ key }) => ({ key, code: key.split('|')[0] as AttendanceFlagCode }))
      .filter((f) => CODES.includes(f.code));
    const evaluation = flagMissedSessions({
      patientId: enrollment.patientId, episodeId: enrollment.episodeId, enrollmentStart: enrollment.start, enrollmentEnd: enrollment.end,
      records: records.filter((r) => r.episodeId === enrollment.episodeId),
      rules: missedSessionRulesFor(findLevelOfCare(enrollment.levelOfCare) ?? {}),
      activeFlags, now: options.now, timeZone: options.timeZone,
    });
    for (const { flag, outreachTask } of evaluation.raise) {
      const flagUrn = writes.create({
        resourceType: 'Flag',
        meta: { profile: [PROFILE.riskFlag] },
        extension: [{ url: EXT.enrollment, valueReference: { reference: `EpisodeOfCare/${enrollment.episodeId}` } }],
        status: 'active',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'behavioral', display: 'Behavioral' }] }],
        code: { coding: [{ system: CS.riskFlagType, code: flag.code }], text: flag.reason },
        subject: { reference: `Patient/${enrollment.patientId}` },
        period: { start: flag.period.start },
      }, keyIdentifier(ID.attendanceFlag, flag.key));
      writes.create({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        priority: outreachTask.priority,
        code: { coding: [{ system: CS.taskCode, code: outreachTask.code }], text: 'Attendance outreach' },
        description: outreachTask.description,
        for: { reference: `Patient/${enrollment.patientId}` },
        focus: { reference: flagUrn },
        authoredOn: options.now.toISOString(),
        restriction: { period: { end: outreachTask.dueDate } },
        ...(enrollment.careManager ? { owner: enrollment.careManager } : {}),
      }, keyIdentifier(ID.outreachTask, outreachTask.key));
      changes.raised++;
    }
    for (const resolution of evaluation.resolve) {
      const flag = active.find((f) => f.key === resolution.key)?.flag;
      if (!flag) continue;
      writes.update({ ...flag, status: 'inactive', period: { ...flag.period, end: options.now.toISOString() } } as Flag);
      for (const task of tasks.filter((t) => keyOf(t, ID.outreachTask) === `outreach|${resolution.key}` && OPEN_TASK.has(t.status))) {
        writes.update({ ...task, status: 'cancelled', statusReason: { text: `Attendance recovered: ${resolution.reason}` }, lastModified: options.now.toISOString() });
      }
      changes.resolved++;
    }
  }
  return changes;
}
