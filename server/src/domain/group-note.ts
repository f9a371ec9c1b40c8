/**
 * The per-patient note of a group session: the shared group summary plus this member's own section, never
 * naming another member; or an "absent" note for a member who missed it. Source: IOP.md §6.2 "Documentation"
 * (group note = shared "group summary" section (topic, interventions, duration) + member-specific section
 * (participation, response, progress toward that member's goals); one note per patient; never name other
 * members; absent members get no group content) and §7 (per-member goals visible, absent members skipped).
 *
 * Every free-text field — the shared summary included, since a facilitator may have typed a name there — goes
 * through redactNames with the names of every other member of the roster (member-name-redaction.ts). The absent
 * note carries the session facts and the absence only: no shared summary, no interventions, no group content.
 * Output is plain sections; the operation turns them into a Composition / DocumentReference.
 */
import type { HumanName } from '@medplum/fhirtypes';
import type { AttendanceStatus } from './attendance-status';
import { describeAttendanceStatus } from './attendance-status';
import type { CalendarDate } from './calendar-date';
import type { NameTerm } from './member-name-redaction';
import { nameTermsFor, redactNames } from './member-name-redaction';

export interface GroupSessionContent {
  /** E.g. 'Group psychotherapy'. */
  sessionTitle: string;
  date: CalendarDate;
  /** Local start time 'HH:MM', for the header. */
  startTime?: string;
  durationMinutes: number;
  topic?: string;
  interventions?: readonly string[];
  /** The shared group summary written once for everyone. */
  sharedSummary: string;
  /** Staff display names (kept, unless one is also another member's name: then redacted like any name). */
  facilitators: readonly string[];
}

export interface MemberSectionContent {
  patientId: string;
  attendanceStatus: AttendanceStatus;
  minutesAttended: number;
  participation?: string;
  response?: string;
  /** Progress toward this member's own goals. */
  progress?: string;
  goals?: readonly string[];
  plan?: string;
  /** For absences: the reason, as text. */
  absenceReason?: string;
}

export interface RosterMember {
  patientId: string;
  names: readonly HumanName[];
}

export interface NoteSection {
  code: 'session' | 'group-summary' | 'attendance' | 'participation' | 'response' | 'progress' | 'goals' | 'plan';
  title: string;
  text: string;
}

export interface MemberNote {
  patientId: string;
  kind: 'attended' | 'absent';
  title: string;
  sections: NoteSection[];
  /** Other members' names replaced in this note (count only: the note must not say whose). */
  namesRedacted: number;
}

/** The note for one member: the attended note, or the absent note when the member did not attend. */
export function renderMemberNote(session: GroupSessionContent, member: MemberSectionContent, roster: readonly RosterMember[]): MemberNote {
  const terms = otherMemberTerms(member.patientId, roster);
  if (!describeAttendanceStatus(member.attendanceStatus).attended) return renderAbsentMemberNote(session, member, terms);
  let redacted = 0;
  const scrub = (text: string) => {
    const result = redactNames(text, terms);
    redacted += result.replacements;
    return result.text;
  };
  const sections: NoteSection[] = [
    { code: 'session', title: 'Session', text: scrub(sessionHeader(session)) },
    { code: 'group-summary', title: 'Group summary', text: scrub(groupSummary(session)) },
    { code: 'attendance', title: 'Attendance', text: attendanceLine(member, session) },
  ];
  const optional: [NoteSection['code'], string, string | undefined][] = [
    ['participation', 'Participation', member.participation],
    ['response', 'Response to interventions', member.response],
    ['goals', 'Goals addressed', member.goals && member.goals.length > 0 ? member.goals.map((g) => `- ${g}`).join('\n') : undefined],
    ['progress', 'Progress toward goals', member.progress],
    ['plan', 'Plan', member.plan],
  ];
  for (const [code, title, text] of optional) if (text && text.trim() !== '') sections.push({ code, title, text: scrub(text.trim()) });
  return { patientId: member.patientId, kind: 'attended', title: `${session.sessionTitle} note`, sections, namesRedacted: redacted };
}

function renderAbsentMemberNote(session: GroupSessionContent, member: MemberSectionContent, terms: readonly NameTerm[]): MemberNote {
  let redacted = 0;
  const scrub = (text: string) => {
    const result = redactNames(text, terms);
    redacted += result.replacements;
    return result.text;
  };
  const header = `${session.sessionTitle} on ${session.date}${session.startTime ? ` at ${session.startTime}` : ''}, ${session.durationMinutes} minutes.`;
  const sections: NoteSection[] = [
    { code: 'session', title: 'Session', text: header },
    { code: 'attendance', title: 'Attendance', text: scrub(absenceLine(member)) },
  ];
  if (member.plan && member.plan.trim() !== '') sections.push({ code: 'plan', title: 'Plan', text: scrub(member.plan.trim()) });
  return { patientId: member.patientId, kind: 'absent', title: `${session.sessionTitle}: absence note`, sections, namesRedacted: redacted };
}

/** The name terms of every roster member except `patientId`. */
export function otherMemberTerms(patientId: string, roster: readonly RosterMember[]): NameTerm[] {
  const names = roster.filter((m) => m.patientId !== patientId).flatMap((m) => m.names);
  return nameTermsFor(names);
}

function sessionHeader(session: GroupSessionContent): string {
  const parts = [`${session.sessionTitle} on ${session.date}${session.startTime ? ` at ${session.startTime}` : ''}, ${session.durationMinutes} minutes.`];
  if (session.facilitators.length > 0) parts.push(`Facilitated by ${session.facilitators.join(', ')}.`);
  if (session.topic) parts.push(`Topic: ${session.topic}.`);
  return parts.join(' ');
}

function groupSummary(session: GroupSessionContent): string {
  const interventions = session.interventions && session.interventions.length > 0 ? `\nInterventions: ${session.interventions.join('; ')}.` : '';
  return `${session.sharedSummary.trim()}${interventions}`;
}

const STATUS_TEXT: Record<AttendanceStatus, string> = {
  present: 'Present for the whole session',
  'late-arrival': 'Arrived late',
  'left-early': 'Left early',
  'late-and-left-early': 'Arrived late and left early',
  'absent-excused': 'Absent (excused)',
  'absent-unexcused': 'Absent without notice (no-show)',
  'cancelled-by-program': 'Session cancelled by the program',
};

function attendanceLine(member: MemberSectionContent, session: GroupSessionContent): string {
  return `${STATUS_TEXT[member.attendanceStatus]}: attended ${member.minutesAttended} of ${session.durationMinutes} minutes.`;
}

function absenceLine(member: MemberSectionContent): string {
  const reason = member.absenceReason && member.absenceReason.trim() !== '' ? ` Reason: ${member.absenceReason.trim()}.` : '';
  return `${STATUS_TEXT[member.attendanceStatus]}. The patient did not take part in this session.${reason}`;
}
