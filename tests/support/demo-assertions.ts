/**
 * What the demo organisation must hold whatever instant it was seeded at, shared by demo-seed.test.ts and the
 * clock matrix (demo-clock-*.test.ts). Every check takes the seed's `now` and judges dates on the programs'
 * calendar (demo-calendar.ts), never on the machine's time zone or the real clock.
 */
import type {
  Appointment, Bundle, CarePlan, Claim, ClinicalImpression, Composition, Encounter, EpisodeOfCare, Flag, Observation, Provenance,
  QuestionnaireResponse, Resource, ServiceRequest, Task,
} from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import { ITEM9_PATIENT } from '../../server/src/demo/demo-assessments';
import { demoPatients } from '../../server/src/demo/demo-bundle';
import { demoCalendar, type DemoCalendar } from '../../server/src/demo/demo-calendar';
import { NO_SHOW_PATIENT } from '../../server/src/demo/demo-sessions';
import { seedDemoData } from '../../server/src/demo/seed-demo';
import { addDays } from '../../server/src/domain/calendar-date';
import { localDateOf, toZonedDateTime } from '../../server/src/domain/time-zone';
import { startTestServer, type TestServer } from './test-server';

const IOP = 'http://iop-fhir.org/fhir';
const DEMO = 'http://iop-fhir.org/fhir/demo';

export interface SeededDemo {
  server: TestServer;
  /** Resources the first seed wrote. */
  written: number;
  seconds: number;
}

/**
 * A server on a fresh database with the demo seeded as of `now`; a second seed writes nothing. The server acts at
 * `now` too (its clock), so what the checks read over HTTP ($attendance, $outcomes) is the demo as of that instant.
 */
export async function startDemoServer(now: Date): Promise<SeededDemo> {
  const server = await startTestServer({ clock: () => now });
  try {
    const ctx = { repo: createRepository(server.pool), baseUrl: server.baseUrl, requestId: 'test' };
    const started = performance.now();
    const written = await seedDemoData(ctx, now);
    const seconds = (performance.now() - started) / 1000;
    expect(await seedDemoData(ctx, now)).toBe(0);
    return { server, written, seconds };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** "Mon 2026-12-07 08:59 America/Chicago (2026-12-07T14:59:00.000Z)": which clock a case ran with. */
export function describeClock(now: Date): string {
  const { timeZone, today } = demoCalendar(now);
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(now);
  return `${weekday} ${today} ${toZonedDateTime(now, timeZone).time} ${timeZone} (${now.toISOString()})`;
}

export interface DemoContentCheck {
  name: string;
  check(server: TestServer, now: Date): Promise<void>;
}

/** The content checks, each one test: `test.each(DEMO_CONTENT_CHECKS)('$name', ({ check }) => check(server, now))`. */
export const DEMO_CONTENT_CHECKS: DemoContentCheck[] = [
  { name: 'the demo organisation is built once, through the operations', check: expectOrganisation },
  { name: 'a month of sessions with attendance, signed notes (and drafts for the last two session days), claims', check: expectSessionsNotesAndClaims },
  { name: 'a session that has not ended by now is neither recorded nor documented', check: expectNothingOfUnfinishedSessions },
  { name: 'PHQ-9/GAD-7 series scored by the server, with the risk and missed-session flags they raise', check: expectMeasuresAndFlags },
  { name: 'every patient has a treatment plan (CarePlan) with its diagnosis and goal; plan reviews move the next review date', check: expectTreatmentPlans },
  { name: 'nothing is dated after now; the discharges were three days before today', check: expectNothingAfterNow },
];

/** Every match of a search, page after page. */
export async function searchAll<T extends Resource>(server: TestServer, query: string): Promise<T[]> {
  const found: T[] = [];
  let next: string | undefined = `/fhir/${query}${query.includes('?') ? '&' : '?'}_count=1000`;
  while (next) {
    const res = await server.http.get(next);
    if (res.status !== 200) throw new Error(`search ${next} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const bundle = res.body as Bundle;
    found.push(...(bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T));
    const url = bundle.link?.find((l) => l.relation === 'next')?.url;
    next = url ? url.slice(url.indexOf('/fhir/')) : undefined;
  }
  return found;
}

const count = async (server: TestServer, type: string) =>
  (await server.pool.query('SELECT count(*)::int AS n FROM resource WHERE resource_type = $1', [type])).rows[0].n as number;

const demoPatientId = async (server: TestServer, index: number) =>
  (await searchAll(server, `Patient?identifier=${DEMO}|${demoPatients()[index].key}`))[0].id!;

const programOf = (resource: { extension?: { url: string; valueReference?: { reference?: string } }[] }) =>
  resource.extension?.find((e) => e.url === `${IOP}/StructureDefinition/program`)?.valueReference?.reference;

async function expectOrganisation(server: TestServer): Promise<void> {
  expect(await count(server, 'Patient')).toBe(30);
  expect(await count(server, 'HealthcareService')).toBe(4);
  expect(await count(server, 'Location')).toBe(2);
  expect(await count(server, 'EpisodeOfCare')).toBe(31); // one step-down opened a second enrollment
  expect(await count(server, 'Appointment')).toBeGreaterThan(300);
  expect(await count(server, 'Encounter')).toBeGreaterThan(200);
  expect(await count(server, 'Provenance')).toBeGreaterThan(150);
  const step = await searchAll(server, `EpisodeOfCare?admission-type=${IOP}/CodeSystem/admission-type|step-down`);
  expect(step).toHaveLength(1);
}

/** The group sessions with their session Encounter (when recorded) and local date. */
async function loadSessions(server: TestServer, calendar: DemoCalendar) {
  const sessions = await searchAll<Appointment>(server, `Appointment?identifier=${IOP}/identifier/session-occurrence|`);
  const encounters = await searchAll<Encounter>(server, 'Encounter');
  return {
    encounters,
    sessions: sessions.map((session) => ({
      session,
      program: programOf(session)!,
      day: localDateOf(new Date(session.start!), calendar.timeZone),
      ended: Date.parse(session.end!) <= calendar.now.getTime(),
      encounter: encounters.find((e) => !e.partOf && e.appointment?.[0]?.reference === `Appointment/${session.id}`),
    })),
  };
}

async function expectSessionsNotesAndClaims(server: TestServer, now: Date): Promise<void> {
  const calendar = demoCalendar(now);
  const { sessions, encounters } = await loadSessions(server, calendar);
  const notes = (await searchAll<Composition>(server, 'Composition')).filter((n) => n.category?.[0]?.coding?.[0]?.code === 'group-session-note');
  const signed = notes.filter((n) => n.status === 'final');
  const drafts = notes.filter((n) => n.status === 'preliminary');
  expect(signed.length).toBeGreaterThan(150);
  expect(drafts.length).toBeGreaterThan(5);
  expect(signed.length + drafts.length).toBe(notes.length);

  // Per program, the notes of the last two days that had a recorded session are drafts, every earlier one signed.
  const sessionByEncounter = new Map(sessions.filter((s) => s.encounter).map((s) => [`Encounter/${s.encounter!.id}`, s]));
  for (const e of encounters) if (e.partOf) sessionByEncounter.set(`Encounter/${e.id}`, sessionByEncounter.get(e.partOf.reference!)!);
  const draftDays = new Map<string, string[]>();
  for (const program of new Set(sessions.map((s) => s.program))) {
    const heldDays = [...new Set(sessions.filter((s) => s.program === program && s.encounter).map((s) => s.day))].sort();
    draftDays.set(program, heldDays.slice(-2));
    expect(heldDays.length).toBeGreaterThan(2);
  }
  const wrong: string[] = [];
  for (const note of notes) {
    const session = sessionByEncounter.get(note.encounter?.reference ?? '');
    const drafted = session ? draftDays.get(session.program)! : [];
    if (!session) wrong.push(`Composition/${note.id}: no recorded session`);
    else if ((note.status === 'preliminary') !== drafted.includes(session.day)) wrong.push(`Composition/${note.id} of ${session.day} is ${note.status} (drafts: ${drafted.join(', ')})`);
  }
  expect(wrong).toEqual([]);

  expect(signed.every((n) => !JSON.stringify(n.section).includes('gave feedback to ') || JSON.stringify(n.section).includes('[another group member]'))).toBe(true);
  const claims = await searchAll<Claim>(server, 'Claim');
  const codes = new Set(claims.flatMap((c) => c.item ?? []).map((i) => i.productOrService.coding?.[0].code));
  expect([...codes].sort()).toEqual(expect.arrayContaining(['G0410', 'H0015', 'S9480']));
  const [program] = await searchAll(server, 'HealthcareService?name:contains=morning');
  const attendance = await server.http.get(`/fhir/HealthcareService/${program.id}/$attendance?start=${calendar.daysAgo(28)}&end=${calendar.today}`);
  expect(attendance.status).toBe(200);
  expect(attendance.body.parameter.filter((p: { name: string }) => p.name === 'patient').length).toBeGreaterThan(5);
}

async function expectNothingOfUnfinishedSessions(server: TestServer, now: Date): Promise<void> {
  const { sessions } = await loadSessions(server, demoCalendar(now));
  const bookings = await searchAll<Appointment>(server, `Appointment?identifier=${IOP}/identifier/patient-booking|`);
  const bookingsOf = (session: Appointment) => bookings.filter((b) => b.extension?.some((e) => e.url === `${IOP}/StructureDefinition/session-appointment` && e.valueReference?.reference === `Appointment/${session.id}`));
  const wrong: string[] = [];
  for (const { session, ended, encounter } of sessions) {
    const open = bookingsOf(session).filter((b) => b.status === 'booked');
    if (!ended && encounter) wrong.push(`Appointment/${session.id} (${session.start}–${session.end}) has not ended but is recorded`);
    if (!ended && session.status !== 'booked') wrong.push(`Appointment/${session.id} has not ended but is ${session.status}`);
    if (ended && open.length > 0) wrong.push(`Appointment/${session.id} (${session.start}) ended with ${open.length} booking(s) left open`);
  }
  expect(wrong).toEqual([]);
  expect(sessions.filter((s) => s.ended && s.encounter).length).toBeGreaterThan(40);
  expect(sessions.filter((s) => !s.ended).length).toBeGreaterThan(10); // the week ahead
}

async function expectMeasuresAndFlags(server: TestServer): Promise<void> {
  expect((await searchAll(server, 'Observation?code=http://loinc.org|44261-6')).length).toBeGreaterThan(90);
  expect((await searchAll(server, 'Observation?code=http://loinc.org|70274-6')).length).toBeGreaterThan(20);
  const active = (await searchAll<Flag>(server, 'Flag')).filter((f) => f.status === 'active');
  const flagged = (code: string) => active.filter((f) => f.code?.coding?.[0].code === code).map((f) => f.subject.reference);
  expect(flagged('phq9-item9-positive')).toEqual([`Patient/${await demoPatientId(server, ITEM9_PATIENT)}`]);
  expect(flagged('consecutive-no-shows')).toContain(`Patient/${await demoPatientId(server, NO_SHOW_PATIENT)}`);
  expect((await searchAll(server, 'Task?status=requested')).length).toBeGreaterThan(2);
}

async function expectTreatmentPlans(server: TestServer): Promise<void> {
  const plans = await searchAll<CarePlan>(server, `CarePlan?category=${IOP}/CodeSystem/care-plan-category|treatment-plan`);
  expect(plans).toHaveLength(30);
  for (const plan of plans) {
    expect(plan.meta?.profile).toContain(`${IOP}/StructureDefinition/iop-treatment-plan`);
    expect(plan.addresses?.[0].reference).toMatch(/^Condition\//);
    expect(plan.goal?.[0].reference).toMatch(/^Goal\//);
  }
  const nextReview = (plan: CarePlan) => plan.extension!.find((e) => e.url.endsWith('/next-review-date'))!.valueDate!;
  const reviewed = plans.filter((p) => nextReview(p) > addDays(p.period!.start!, 31));
  expect(reviewed.length).toBeGreaterThan(0); // $record-plan-review moved them on
  const outcomes = await server.http.get(`/fhir/Patient/${plans[0].subject.reference!.split('/')[1]}/$outcomes`).expect(200);
  expect(outcomes.body.parameter.some((p: { name: string }) => p.name === 'goal')).toBe(true);
}

async function expectNothingAfterNow(server: TestServer, now: Date): Promise<void> {
  const { today, daysAgo } = demoCalendar(now);
  const late: string[] = [];
  const notAfter = (what: string, value: string | undefined, limit: string) => {
    if (value !== undefined && value > limit) late.push(`${what}: ${value} > ${limit}`);
  };
  // Instants compare as ISO strings in UTC ('Z'), dates as 'YYYY-MM-DD' on the programs' calendar.
  const instant = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());
  const iso = now.toISOString();
  for (const e of await searchAll<Encounter>(server, 'Encounter')) notAfter(`Encounter/${e.id} end`, instant(e.period?.end), iso);
  for (const c of await searchAll<Composition>(server, 'Composition')) {
    notAfter(`Composition/${c.id} date`, instant(c.date), iso);
    notAfter(`Composition/${c.id} event`, instant(c.event?.[0]?.period?.end), iso);
  }
  for (const r of await searchAll<QuestionnaireResponse>(server, 'QuestionnaireResponse')) notAfter(`QuestionnaireResponse/${r.id}`, instant(r.authored), iso);
  for (const o of await searchAll<Observation>(server, 'Observation')) notAfter(`Observation/${o.id}`, instant(o.effectiveDateTime), iso);
  for (const p of await searchAll<Provenance>(server, 'Provenance')) notAfter(`Provenance/${p.id}`, instant(p.recorded), iso);
  for (const t of await searchAll<Task>(server, 'Task')) notAfter(`Task/${t.id}`, instant(t.authoredOn), iso);
  for (const c of await searchAll<Claim>(server, 'Claim')) notAfter(`Claim/${c.id} created`, c.created, today);
  for (const s of await searchAll<ServiceRequest>(server, 'ServiceRequest')) notAfter(`ServiceRequest/${s.id}`, s.authoredOn, today);
  for (const c of await searchAll<ClinicalImpression>(server, 'ClinicalImpression')) notAfter(`ClinicalImpression/${c.id}`, c.effectiveDateTime, today);
  const episodes = await searchAll<EpisodeOfCare>(server, 'EpisodeOfCare');
  for (const e of episodes) {
    notAfter(`EpisodeOfCare/${e.id} start`, e.period?.start, today);
    notAfter(`EpisodeOfCare/${e.id} end`, e.period?.end, today);
  }
  expect(late).toEqual([]);
  const reasonOf = (e: EpisodeOfCare) => e.extension?.find((x) => x.url === `${IOP}/StructureDefinition/discharge-reason`)?.valueCodeableConcept?.coding?.[0].code;
  const discharged = episodes.filter((e) => reasonOf(e) === 'completed' || reasonOf(e) === 'non-attendance');
  expect(discharged.map((e) => [reasonOf(e), e.status, e.period?.end]).sort()).toEqual([['completed', 'finished', daysAgo(3)], ['non-attendance', 'finished', daysAgo(3)]]);
}
