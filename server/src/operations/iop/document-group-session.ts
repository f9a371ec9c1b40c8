/**
 * POST /Encounter/{id}/$document-group-session on a session Encounter: the shared part and one member part per
 * attendee → for each booked patient one draft note (Composition) that never names other members
 * (domain/group-note.ts renderMemberNote), with the attendee's answers to the group-note template as a
 * QuestionnaireResponse; absent members get an absence note without group content. Drafts until $sign.
 */
import type { Appointment, Encounter, HumanName, Patient, Practitioner } from '@medplum/fhirtypes';
import type { GroupSessionContent, MemberSectionContent, RosterMember } from '../../domain/group-note';
import { otherMemberTerms, renderMemberNote } from '../../domain/group-note';
import { redactNames } from '../../domain/member-name-redaction';
import { parseAttendanceStatus } from '../../domain/attendance-status';
import { patientBookingKey } from '../../domain/session-recurrence';
import { localDateOf, toZonedDateTime } from '../../domain/time-zone';
import { badRequest, conflict, FhirError, issue, outcome, unprocessable } from '../../errors';
import type { OperationDeclaration } from '../registry';
import {
  buildGroupNoteResponse, labelOf, missingForAttendee, readMembers, readShared, type MemberInput,
} from './group-note-input';
import { CS, EXT, findExtension, ID, keyIdentifier, keyValue } from './iop-vocabulary';
import { loadProgram } from './load-program';
import { loadSessionBookings } from './load-schedule';
import { attendanceStatusOf, keyOf, patientOf, sessionInfoOf } from './map-appointments';
import { attendanceCoding } from './map-attendance';
import { buildDraftNote, memberNoteSections } from './map-note';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { optionalReference } from './read-input';
import { idOf, readResource, searchAll, type AnyReference } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

export const documentGroupSessionOperation: OperationDeclaration = {
  definition: iopOperationDefinition('document-group-session'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const encounter = await readResource<Encounter>(txCtx, 'Encounter', target.id!);
    const programId = idOf(findExtension(encounter, EXT.program)?.valueReference, 'HealthcareService');
    const appointmentId = idOf(encounter.appointment?.[0], 'Appointment');
    if (encounter.partOf || !programId || !appointmentId) {
      throw unprocessable(`Encounter/${encounter.id} is not a group session Encounter: call $document-group-session on the Encounter that $record-attendance created for the session`);
    }
    const program = await loadProgram(txCtx, programId);
    const session = sessionInfoOf(await readResource<Appointment>(txCtx, 'Appointment', appointmentId), program.timeZone);
    if (!session) throw unprocessable(`Appointment/${appointmentId} is not a scheduled session`);
    const bookings = (await loadSessionBookings(txCtx, [session.reference])).filter((b) => attendanceStatusOf(b) !== undefined);
    const attendance = await searchAll<Encounter>(txCtx, 'Encounter', { 'part-of': `Encounter/${encounter.id}` });
    const noteKeys = bookings.map((b) => keyOf(b, ID.patientBooking) ?? patientBookingKey(session.key, patientOf(b)!));
    const documented = noteKeys.length === 0 ? [] : await searchAll(txCtx, 'Composition', { identifier: noteKeys.map((k) => `${ID.sessionNote}|${keyValue(k)}`).join(',') });
    if (documented.length > 0) throw conflict(`This session is already documented (Composition/${documented[0].id}, …): edit the drafts, or amend signed notes`);

    const shared = readShared(input);
    const members = readMembers(input);
    const bookedIds = new Set(bookings.map(patientOf));
    for (const patientId of members.keys()) if (!bookedIds.has(patientId)) throw unprocessable(`Patient/${patientId} has no recorded attendance in this session`);
    const author = optionalReference(input, 'author') ?? (encounter.participant?.[0]?.individual as AnyReference | undefined);
    if (!author) throw badRequest('author (the Practitioner writing the notes) is required: the session has no facilitator');

    const roster = await loadRoster(txCtx, [...bookedIds].filter((id): id is string => id !== undefined));
    const local = toZonedDateTime(session.start, program.timeZone);
    const content: GroupSessionContent = {
      sessionTitle: session.sessionType.display ?? titleOf(session.sessionType.code),
      date: localDateOf(session.start, program.timeZone),
      startTime: local.time,
      durationMinutes: session.minutes,
      topic: shared.topic,
      interventions: [shared.interventions],
      sharedSummary: shared.summary,
      facilitators: await facilitatorNames(txCtx, encounter),
    };
    const problems: string[] = [];
    const writes = new WriteSet();
    const notes: { patientId: string; urn: string }[] = [];
    let namesRedacted = 0;
    for (const [index, booking] of bookings.entries()) {
      const patientId = patientOf(booking)!;
      const status = parseAttendanceStatus(attendanceStatusOf(booking)!)!;
      const attended = attendance.find((e) => e.appointment?.some((a) => a.reference === `Appointment/${booking.id}`));
      const member = members.get(patientId);
      if (attended) {
        const missing = missingForAttendee(member);
        if (missing.length > 0) {
          problems.push(`Patient/${patientId} attended: the member part needs ${missing.join(' and ')}`);
          continue;
        }
      }
      const minutes = findExtension(attended, EXT.minutesAttended)?.valueInteger ?? 0;
      const note = renderMemberNote(content, memberContent(patientId, status, minutes, member, booking), roster);
      namesRedacted += note.namesRedacted;
      const key = noteKeys[index];
      let response: string | undefined;
      if (attended && member) {
        const scrub = scrubberFor(patientId, roster);
        response = writes.create(buildGroupNoteResponse({
          shared: { ...shared, topic: scrub(shared.topic), interventions: scrub(shared.interventions), summary: scrub(shared.summary) },
          member: scrubMember(member, scrub), attendance: attendanceCoding(status), minutes, durationMinutes: session.minutes, patientId,
          encounter: `Encounter/${attended.id}`, author, authored: now.toISOString(),
        }), keyIdentifier(ID.sessionNote, `${key}|response`));
      }
      const urn = writes.create(buildDraftNote({
        kind: { system: CS.noteKind, code: 'group-session-note', display: 'Group session note' },
        title: `${note.title}, ${content.date}`,
        patientId,
        encounter: { reference: attended ? `Encounter/${attended.id}` : `Encounter/${encounter.id}` },
        author, date: now.toISOString(), part2: program.part2,
        sections: memberNoteSections(note, response ? { reference: response } : undefined),
        event: { start: session.start.toISOString(), end: session.end.toISOString(), ...(attended ? {} : { detail: [{ reference: `Appointment/${booking.id}` }] }) },
      }), keyIdentifier(ID.sessionNote, key));
      notes.push({ patientId, urn });
    }
    if (problems.length > 0) throw new FhirError(400, outcome(...problems.map((p) => issue('error', 'required', p))));
    const committed = await commitWrites(txCtx, writes);
    const unrecorded = (await loadSessionBookings(txCtx, [session.reference])).filter((b) => attendanceStatusOf(b) === undefined && b.status !== 'cancelled');
    return {
      status: 200,
      body: parameters(
        ...notes.map((n) => out.parts('note', out.reference('patient', `Patient/${n.patientId}`), out.reference('note', committed.locations.get(n.urn)))),
        out.integer('namesRedacted', namesRedacted),
        outcomePart(unrecorded.map((b) => `Patient/${patientOf(b)} has no attendance recorded: no note was written`)),
      ),
    };
  }),
};

function memberContent(patientId: string, status: MemberSectionContent['attendanceStatus'], minutes: number, member: MemberInput | undefined, booking: Appointment): MemberSectionContent {
  return {
    patientId, attendanceStatus: status, minutesAttended: minutes,
    participation: labelOf(member?.participation),
    response: labelOf(member?.response),
    progress: [member?.progress, member?.observations, member?.riskLevel ? `Risk: ${labelOf(member.riskLevel)}${member.riskDetails ? `. ${member.riskDetails}` : ''}` : undefined]
      .filter((t): t is string => !!t && t.trim() !== '').join('\n') || undefined,
    goals: member?.goals.map((g) => `${g.goal.display ?? g.goal.reference}: ${labelOf(g.status)}${g.comment ? ` (${g.comment})` : ''}`),
    plan: member?.plan,
    absenceReason: member?.absenceReason ?? booking.cancelationReason?.text ?? labelOf(booking.cancelationReason?.coding?.[0]),
  };
}

function scrubberFor(patientId: string, roster: readonly RosterMember[]): (text: string) => string {
  const terms = otherMemberTerms(patientId, roster);
  return (text) => redactNames(text, terms).text;
}

function scrubMember(member: MemberInput, scrub: (text: string) => string): MemberInput {
  const maybe = (text: string | undefined) => (text === undefined ? undefined : scrub(text));
  return {
    ...member, progress: maybe(member.progress), riskDetails: maybe(member.riskDetails), observations: maybe(member.observations), plan: maybe(member.plan),
    goals: member.goals.map((g) => ({ ...g, comment: maybe(g.comment) })),
  };
}

async function loadRoster(ctx: Parameters<typeof searchAll>[0], patientIds: string[]): Promise<RosterMember[]> {
  if (patientIds.length === 0) return [];
  const patients = await searchAll<Patient>(ctx, 'Patient', { _id: patientIds.join(',') });
  return patients.map((p) => ({ patientId: p.id!, names: p.name ?? [] }));
}

async function facilitatorNames(ctx: Parameters<typeof searchAll>[0], encounter: Encounter): Promise<string[]> {
  const ids = (encounter.participant ?? []).map((p) => idOf(p.individual, 'Practitioner')).filter((id): id is string => id !== undefined);
  if (ids.length === 0) return [];
  const practitioners = await searchAll<Practitioner>(ctx, 'Practitioner', { _id: ids.join(',') });
  return practitioners.map((p) => displayName(p.name?.[0])).filter((n): n is string => n !== undefined);
}

export function displayName(name: HumanName | undefined): string | undefined {
  if (!name) return undefined;
  return name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

function titleOf(code: string | undefined): string {
  const text = (code ?? 'group session').replaceAll('-', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
