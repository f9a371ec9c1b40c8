/**
 * POST /HealthcareService/{id}/$schedule-sessions: a weekly recurrence → one session Appointment per occurrence
 * (facilitators, room) and one Appointment per enrolled patient. Idempotent (occurrence and booking keys are
 * identifiers, creates are conditional on them); double bookings of facilitators, rooms and patients are
 * reported, not created; authorization problems come back as warnings. Everything in one transaction.
 */
import type { Appointment, Coding, Reference } from '@medplum/fhirtypes';
import type { Booking } from '../../domain/booking-conflicts';
import { detectBookingConflicts } from '../../domain/booking-conflicts';
import type { SessionRecurrence, Weekday } from '../../domain/session-recurrence';
import { expandSessionOccurrences, validateSessionRecurrence } from '../../domain/session-recurrence';
import { badRequest, FhirError, issue, outcome } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationInput } from '../operation-input';
import type { OperationDeclaration } from '../registry';
import { addRosterBookings, conflictPart } from './book-roster';
import { CS, EXT, findExtension, ID, isKnownCode, keyIdentifier } from './iop-vocabulary';
import { loadProgram, type ProgramContext } from './load-program';
import { bookingKeysOf, loadProgramEnrollments, loadProgramSessions, loadSessionBookings } from './load-schedule';
import { bookingsOf, buildSessionAppointment, type SessionInfo } from './map-appointments';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { codings, references, requireCoding, requireDate } from './read-input';
import { parseLocalReference, searchAll } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

const DAY_MS = 86_400_000;

export const scheduleSessionsOperation: OperationDeclaration = {
  definition: iopOperationDefinition('schedule-sessions'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const program = await loadProgram(txCtx, target.id!);
    const request = readScheduleRequest(input, program);
    const occurrences = expandSessionOccurrences(request.recurrence);
    const first = occurrences[0]?.start ?? new Date(`${request.recurrence.from}T00:00:00Z`);
    const last = occurrences.at(-1)?.end ?? new Date(`${request.recurrence.to}T23:59:59Z`);
    const existingSessions = new Map((await loadProgramSessions(txCtx, program, new Date(first.getTime() - DAY_MS), new Date(last.getTime() + DAY_MS))).map((s) => [s.key, s]));

    // Facilitators and the room: conflicts with what they already hold, and within this request.
    const fresh = occurrences.filter((o) => !existingSessions.has(o.key));
    const actors = [...request.facilitators.map((f) => f.reference!), ...(request.location ? [request.location.reference!] : [])];
    const proposed: Booking[] = fresh.flatMap((o) => actors.map((participant): Booking => ({
      key: `${o.key}|${participant}`, participant, role: /Location\//.test(participant) ? 'location' : 'facilitator', start: o.start, end: o.end,
    })));
    const held = await searchAll<Appointment>(txCtx, 'Appointment', {
      actor: actors.join(','), date: [`ge${new Date(first.getTime() - DAY_MS).toISOString()}`, `le${last.toISOString()}`],
    });
    const staffConflicts = detectBookingConflicts(proposed, held.flatMap(bookingsOf)).conflicts;
    const blocked = new Set(staffConflicts.map((c) => c.proposed.key!.split('|').slice(0, -1).join('|')));

    const writes = new WriteSet();
    const sessionUrns: string[] = [];
    const sessions: SessionInfo[] = [...existingSessions.values()].filter((s) => occurrences.some((o) => o.key === s.key));
    for (const occurrence of fresh.filter((o) => !blocked.has(o.key))) {
      const session = {
        key: occurrence.key, start: occurrence.start, end: occurrence.end, minutes: occurrence.durationMinutes, sessionType: request.sessionType,
        levelsOfCare: request.levelsOfCare, localDate: occurrence.localDate, virtualService: findExtension(program.service, EXT.virtualService),
      };
      const reference = writes.create(buildSessionAppointment({
        ...session, programReference: { reference: program.reference }, facilitators: request.facilitators, location: request.location, description: request.description,
      }), keyIdentifier(ID.sessionOccurrence, occurrence.key));
      sessionUrns.push(reference);
      sessions.push({ ...session, reference, isNew: true });
    }
    const existingBookings = await loadSessionBookings(txCtx, sessions.filter((s) => !s.isNew).map((s) => s.reference));
    const roster = await addRosterBookings(txCtx, {
      program, sessions, enrollments: await loadProgramEnrollments(txCtx, program.id), existingBookingKeys: bookingKeysOf(existingBookings), now: nowOf(ctx),
    }, writes);
    const committed = await commitWrites(txCtx, writes);
    return {
      status: 200,
      body: parameters(
        out.integer('sessionsCreated', fresh.length - blocked.size),
        out.integer('sessionsExisting', occurrences.length - fresh.length),
        out.integer('bookingsCreated', roster.booked),
        ...sessionUrns.map((urn) => out.reference('session', committed.locations.get(urn))),
        ...staffConflicts.map(conflictPart),
        ...roster.conflicts.map(conflictPart),
        outcomePart([
          ...staffConflicts.map((c) => `Session at ${c.proposed.start.toISOString()} not created: ${c.participant} is double-booked`),
          ...roster.conflicts.map((c) => `${c.participant} not booked at ${c.proposed.start.toISOString()}: already booked at that time`),
          ...roster.warnings,
        ]),
      ),
    };
  }),
};

interface ScheduleRequest {
  recurrence: SessionRecurrence;
  sessionType: Coding;
  facilitators: Reference[];
  location?: Reference;
  levelsOfCare: Coding[];
  description?: string;
}

function readScheduleRequest(input: OperationInput, program: ProgramContext): ScheduleRequest {
  const sessionType = requireCoding(input, 'sessionType', CS.sessionType);
  if (sessionType.system !== CS.sessionType || !isKnownCode(CS.sessionType, sessionType.code)) {
    throw badRequest(`sessionType must be a code of ${CS.sessionType}, not ${sessionType.system}|${sessionType.code}`);
  }
  const facilitators = references(input, 'facilitator');
  if (facilitators.length === 0) throw badRequest('At least one facilitator (Practitioner or PractitionerRole) is required');
  for (const f of facilitators) {
    const [type] = parseLocalReference(f, 'facilitator');
    if (type !== 'Practitioner' && type !== 'PractitionerRole') throw badRequest(`facilitator must reference a Practitioner or PractitionerRole, not ${type}`);
  }
  const location = references(input, 'location')[0];
  if (location) parseLocalReference(location, 'location', 'Location');
  const days = input.strings('daysOfWeek').flatMap((d) => d.split(',')).map((d) => d.trim().toLowerCase()) as Weekday[];
  const recurrence: SessionRecurrence = {
    seriesKey: `${program.id}.${sessionType.code}`,
    daysOfWeek: days,
    startTime: (input.string('startTime') ?? '').slice(0, 5),
    durationMinutes: input.integer('durationMinutes') ?? 0,
    from: requireDate(input, 'from'),
    to: requireDate(input, 'to'),
    timeZone: program.timeZone,
    exclusions: input.strings('exclusion').map((d) => d.slice(0, 10)),
  };
  const problems = validateSessionRecurrence(recurrence);
  if (problems.length > 0) throw new FhirError(400, outcome(...problems.map((p) => issue('error', 'invalid', `${p.field}: ${p.message}`, [`Parameters.parameter.where(name='${p.field}')`]))));
  return { recurrence, sessionType: { system: CS.sessionType, code: sessionType.code }, facilitators, location, levelsOfCare: codings(input, 'levelOfCare', ''), description: input.string('description') };
}
