/**
 * Seeds the demo organisation into an empty database (DESIGN.md §2), built through the same handlers and IOP
 * operations any client uses: the base Bundle (transaction), then enrollments ($enroll), a step-down
 * ($change-level-of-care), two discharges, certifications and plan reviews, a month of group sessions plus a
 * week ahead ($schedule-sessions), attendance, notes and signatures with their claims, and PHQ-9/GAD-7 series
 * ($score). All of it is one transaction: an interrupted seed leaves nothing, and the next start seeds again.
 * Everything is dated from `now` on the programs' calendar (demo-calendar.ts); nothing here reads the clock.
 */
import type { Bundle, EpisodeOfCare, Patient } from '@medplum/fhirtypes';
import { dispatch } from '../fhir/router';
import type { FhirContext } from '../fhir/types';
import { sql } from '../store/sql';
import { buildDemoBundle, DEMO_PROGRAMS, DEMO_SYSTEM, demoPatients, type DemoProgram } from './demo-bundle';
import { recordCompliance, scoreAssessments } from './demo-assessments';
import { demoCalendar, type DemoCalendar } from './demo-calendar';
import { createDemoConsents } from './demo-consents';
import { createDemoMessages } from './demo-messages';
import { callOperation, param, putResource, search } from './demo-operations';
import { runPastSessions, type EnrolledDemoPatient, type ProgramIds } from './demo-sessions';
import { createTreatmentPlan } from './demo-treatment-plans';
import { DEMO_VIRTUAL_PROGRAM, makeGroupVirtual } from './demo-telehealth';
import { createDemoMedications } from './demo-medications';
import { assignDemoReading } from './demo-education';
import { recordDemoSatisfaction } from './demo-satisfaction';

const IOP = 'http://iop-fhir.org/fhir';
/** Demo patients (by index) discharged three days ago (with the reason), and the PHP patient stepped down to the morning IOP. */
const DISCHARGED = new Map([[9, 'completed'], [19, 'non-attendance']]);
const STEPPED_DOWN = 3;

/** Told before each step of the seed: what it is doing, and how many of the `total` steps are done. */
export type SeedProgress = (step: string, done: number, total: number) => void;

/** Returns the number of resources written, or 0 when the demo organisation already exists. */
export async function seedDemoData(ctx: FhirContext, now: Date, onProgress: SeedProgress = () => undefined): Promise<number> {
  const existing = await ctx.repo.query(sql`SELECT 1 FROM idx_token WHERE resource_type = 'Organization'
    AND param = 'identifier' AND system = ${DEMO_SYSTEM} AND code = 'org' LIMIT 1`);
  if (existing.length > 0) return 0;
  const before = await countResources(ctx);
  const calendar = demoCalendar(now);
  // 4 fixed steps, then scheduling and sessions once per program: the sessions take most of the time.
  const total = 4 + 2 * DEMO_PROGRAMS.length;
  await ctx.repo.transaction(async (tx) => {
    // Every operation acts as of the same instant as the base Bundle's dates (operation-support.ts nowOf).
    const txCtx: FhirContext = { ...ctx, repo: tx, now };
    let done = 0;
    const step = (what: string) => onProgress(what, done++, total);
    step('organisation, sites, staff and patients');
    const ids = await loadBase(txCtx, calendar);
    step('enrolments and treatment plans');
    const patients = await enrollPatients(txCtx, ids, calendar);
    await recordCompliance(txCtx, [...patients.values()], ids.get('psychiatrist-1')!, calendar);
    await createDemoMedications(txCtx, ids, [...patients.values()], calendar);
    await assignDemoReading(txCtx, ids, [...patients.values()], calendar);
    await recordDemoSatisfaction(txCtx, ids, [...patients.values()], calendar, DISCHARGED);
    const programs: ProgramIds[] = DEMO_PROGRAMS.map((program) => ({ program, programId: ids.get(`program-${program.key}`)!, facilitatorId: ids.get(program.schedule.facilitator)! }));
    for (const program of programs) {
      step(`schedule of ${program.program.name}`);
      await scheduleMonth(txCtx, program, ids.get(`site-${program.program.site}`)!, calendar);
    }
    for (const program of programs) {
      step(`attendance, notes and claims of ${program.program.name}`);
      await runPastSessions(txCtx, [program], patients, calendar);
    }
    await makeGroupVirtual(txCtx, ids.get(`program-${DEMO_VIRTUAL_PROGRAM}`)!, calendar);
    step('PHQ-9 and GAD-7 series');
    await scoreAssessments(txCtx, [...patients.values()], calendar);
    step('Part 2 consents');
    await createDemoConsents(txCtx, ids, calendar);
    // Care teams come with the enrolments (the CareTeam write hooks); messages go to them.
    await createDemoMessages(txCtx, [...patients.values()], ids.get('psychiatrist-1')!, now);
  });
  onProgress('done', total, total);
  return (await countResources(ctx)) - before;
}

async function countResources(ctx: FhirContext): Promise<number> {
  const [row] = await ctx.repo.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM resource`);
  return row.n;
}

/** The base Bundle; returns demo key → id. */
async function loadBase(ctx: FhirContext, calendar: DemoCalendar): Promise<Map<string, string>> {
  const bundle = buildDemoBundle(calendar);
  const response = await dispatch({ method: 'POST', path: '', query: {}, body: bundle, headers: {} }, ctx);
  const ids = new Map<string, string>();
  (response.body as Bundle).entry!.forEach((entry, i) => {
    const key = bundle.entry![i].resource!.id ?? (bundle.entry![i].resource as { identifier?: { value?: string }[] }).identifier![0].value!;
    ids.set(key, entry.resource!.id!);
  });
  return ids;
}

async function enrollPatients(ctx: FhirContext, ids: Map<string, string>, calendar: DemoCalendar): Promise<Map<string, EnrolledDemoPatient>> {
  const day = calendar.daysAgo;
  const patients = new Map<string, EnrolledDemoPatient>();
  for (const demo of demoPatients()) {
    const id = ids.get(demo.key)!;
    const enrolled = await callOperation(ctx, `HealthcareService/${ids.get(`program-${demo.program.key}`)}/$enroll`, [
      param.ref('patient', `Patient/${id}`), param.date('start', day(demo.admittedDaysAgo)), param.ref('careManager', `Practitioner/${ids.get(demo.program.schedule.facilitator)}`),
    ]);
    const episode = enrolled.parameter!.find((p) => p.name === 'enrollment')!.resource as EpisodeOfCare;
    const [patient] = await search<Patient>(ctx, 'Patient', { _id: id });
    const carePlanId = await createTreatmentPlan(ctx, ids, demo, episode.id!, day(demo.admittedDaysAgo), DISCHARGED.has(demo.index));
    patients.set(id, { ...demo, id, given: patient.name?.[0]?.given?.[0] ?? 'Patient', episodeId: episode.id!, carePlanId });
    if (DISCHARGED.has(demo.index)) {
      await putResource(ctx, {
        ...episode, status: 'finished', period: { ...episode.period, end: day(3) },
        extension: [...(episode.extension ?? []), { url: `${IOP}/StructureDefinition/discharge-reason`, valueCodeableConcept: { coding: [{ system: `${IOP}/CodeSystem/discharge-reason`, code: DISCHARGED.get(demo.index)! }] } }],
      } as EpisodeOfCare);
      patients.get(id)!.discharged = true;
    }
    if (demo.index === STEPPED_DOWN) {
      const morning = DEMO_PROGRAMS.find((p) => p.key === 'mh-iop-am') as DemoProgram;
      const stepped = await callOperation(ctx, `EpisodeOfCare/${episode.id}/$change-level-of-care`, [
        param.coding('levelOfCare', morning.level[0], morning.level[1]), param.ref('program', `HealthcareService/${ids.get('program-mh-iop-am')}`),
        param.date('effectiveDate', day(Math.min(10, demo.admittedDaysAgo - 1))),
      ]);
      const next = stepped.parameter!.find((p) => p.name === 'enrollment')!.resource as EpisodeOfCare;
      Object.assign(patients.get(id)!, { episodeId: next.id!, steppedDown: true });
    }
  }
  return patients;
}

/** Four weeks back and one ahead of the program's weekly schedule. */
async function scheduleMonth(ctx: FhirContext, { program, programId, facilitatorId }: ProgramIds, siteId: string, calendar: DemoCalendar): Promise<void> {
  const day = (offset: number) => calendar.daysAgo(-offset);
  await callOperation(ctx, `HealthcareService/${programId}/$schedule-sessions`, [
    ...program.schedule.days.map((d) => param.code('daysOfWeek', d)),
    param.string('startTime', program.schedule.startTime),
    param.integer('durationMinutes', program.schedule.minutes),
    param.date('from', day(-28)),
    param.date('to', day(7)),
    param.coding('sessionType', `${IOP}/CodeSystem/session-type`, 'group-psychotherapy'),
    param.ref('facilitator', `Practitioner/${facilitatorId}`),
    param.ref('location', `Location/${siteId}`),
    param.string('description', program.schedule.topic),
  ]);
}
