import type { Appointment, CarePlan, EpisodeOfCare, ServiceRequest, Task } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import {
  addDaysTo, createFixture, dayFromToday, enroll, Fixture, IOP, invoke, MH_LEVEL, output, params, schedule, searchResources,
  testClock,
} from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
let phpEpisode: EpisodeOfCare;
const start = dayFromToday(-20);
const certifier = (id: string) => ({ name: 'certifier', valueReference: { reference: `Practitioner/${id}` } });
const tasksOf = (episodeId: string) => searchResources<Task>(server, `Task?focus=EpisodeOfCare/${episodeId}`);

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 3 });
  const res = await enroll(server, fx.programs.php, fx.patients[0], start);
  expect(res.status).toBe(201);
  phpEpisode = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
  const future = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], minutes: 240, from: dayFromToday(1), to: dayFromToday(14) };
  expect((await schedule(server, fx.programs.php, { ...future, startTime: '09:00', facilitators: [fx.practitioners[0]] })).status).toBe(200);
  expect((await schedule(server, fx.programs.iop, { ...future, minutes: 180, startTime: '14:00', facilitators: [fx.practitioners[1]] })).status).toBe(200);
});
afterAll(() => server.close());

describe('Medicare certification and plan-review Tasks', () => {
  test('PHP: the admission certification Task is overdue; recording it completes it and raises the day-18 recertification', async () => {
    const [task] = await tasksOf(phpEpisode.id!);
    expect(task.code?.coding?.[0].code).toBe('certification');
    expect(task.restriction?.period?.end).toBe(start);
    expect(task.description).toMatch(/overdue/);
    const res = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$record-certification`, params({ name: 'date', valueDate: start }, certifier(fx.practitioners[2])));
    expect(res.status).toBe(200);
    expect(output(res.body, 'nextDue')!.valueDate).toBe(addDaysTo(start, 17));
    expect(output(res.body, 'tasksCompleted')!.valueInteger).toBe(1);
    expect(output(res.body, 'tasksCreated')!.valueInteger).toBe(1);
    const tasks = await tasksOf(phpEpisode.id!);
    expect(tasks.map((t) => [t.code?.coding?.[0].code, t.status]).sort()).toEqual([['certification', 'completed'], ['recertification', 'requested']]);
    const certification = (await server.http.get(`/fhir/${output(res.body, 'certification')!.valueReference!.reference}`)).body as ServiceRequest;
    expect(certification.occurrencePeriod).toEqual({ start, end: addDaysTo(start, 17) });
    expect(certification.code?.text).toMatch(/at least 20 hours a week/);
    const provenance = await searchResources(server, `Provenance?target=${output(res.body, 'certification')!.valueReference!.reference}`);
    expect(provenance).toHaveLength(1);
  });

  test('the recertification replaces the certification; the next one (30 days later) is not due within the lead time yet', async () => {
    const date = addDaysTo(start, 16);
    const res = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$record-certification`, params({ name: 'date', valueDate: date }, certifier(fx.practitioners[2])));
    expect(output(res.body, 'nextDue')!.valueDate).toBe(addDaysTo(date, 30));
    expect(output(res.body, 'tasksCreated')!.valueInteger).toBe(0);
    const recert = (await server.http.get(`/fhir/${output(res.body, 'certification')!.valueReference!.reference}`)).body as ServiceRequest;
    expect(recert.code?.text).toMatch(/^Recertification/);
    expect(recert.replaces?.[0].reference).toMatch(/^ServiceRequest\//);
    expect((await tasksOf(phpEpisode.id!)).every((t) => t.status === 'completed')).toBe(true);
  });

  test('a plan review moves the CarePlan\'s next review date; a level without certification or a date outside the episode is refused', async () => {
    const plan = await server.http.post('/fhir/CarePlan').set('Content-Type', 'application/fhir+json').send({
      resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: `Patient/${fx.patients[0]}` }, period: { start },
      extension: [{ url: `${IOP}/StructureDefinition/next-review-date`, valueDate: addDaysTo(start, 30) }],
    });
    expect(plan.status).toBe(201);
    const res = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$record-plan-review`, params(
      { name: 'date', valueDate: dayFromToday(-1) }, { name: 'reviewer', valueReference: { reference: `Practitioner/${fx.practitioners[2]}` } },
      { name: 'carePlan', valueReference: { reference: `CarePlan/${plan.body.id}` } }, { name: 'summary', valueString: 'Goals on track' },
    ));
    expect(res.status).toBe(200);
    expect(output(res.body, 'nextDue')!.valueDate).toBe(dayFromToday(29));
    const updated = (await server.http.get(`/fhir/CarePlan/${plan.body.id}`)).body as CarePlan;
    expect(updated.extension?.[0].valueDate).toBe(dayFromToday(29));
    expect((await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$record-plan-review`, params({ name: 'date', valueDate: dayFromToday(-40) }, { name: 'reviewer', valueReference: { reference: `Practitioner/${fx.practitioners[2]}` } }))).status).toBe(422);
    const op = await enroll(server, fx.programs.op, fx.patients[1], dayFromToday(-5));
    const opEpisode = output(op.body, 'enrollment')!.resource as EpisodeOfCare;
    expect((await invoke(server, `EpisodeOfCare/${opEpisode.id}/$record-certification`, params({ name: 'date', valueDate: dayFromToday(-5) }, certifier(fx.practitioners[2])))).status).toBe(422);
    expect((await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$record-certification`, params({ name: 'date', valueDate: dayFromToday(-5) }))).status).toBe(400);
  });
});

describe('$change-level-of-care', () => {
  test('refusals: the same level in the same program, a date not after the start', async () => {
    const same = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-php' } }, { name: 'effectiveDate', valueDate: dayFromToday(1) },
    ));
    expect(same.status).toBe(422);
    expect(same.body.issue[0].diagnostics).toMatch(/same-level-same-program/);
    const early = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }, { name: 'program', valueReference: { reference: `HealthcareService/${fx.programs.iop}` } },
      { name: 'effectiveDate', valueDate: start },
    ));
    expect(early.status).toBe(422);
  });

  test('a step-down from PHP to IOP closes one episode, opens the next, moves the bookings and the Tasks', async () => {
    const phpBookings = async () => (await searchResources<Appointment>(server, `Appointment?patient=Patient/${fx.patients[0]}&program=HealthcareService/${fx.programs.php}`));
    expect((await phpBookings()).filter((a) => a.status === 'booked')).toHaveLength(10);
    const res = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }, { name: 'program', valueReference: { reference: `HealthcareService/${fx.programs.iop}` } },
      { name: 'effectiveDate', valueDate: dayFromToday(1) },
    ));
    expect(res.status).toBe(200);
    expect(output(res.body, 'direction')!.valueCode).toBe('step-down');
    expect(output(res.body, 'bookingsCancelled')!.valueInteger).toBe(10);
    expect(output(res.body, 'bookingsCreated')!.valueInteger).toBe(10);
    const closed = (await server.http.get(`/fhir/EpisodeOfCare/${phpEpisode.id}`)).body as EpisodeOfCare;
    expect(closed.status).toBe('finished');
    expect(closed.period?.end).toBe(dayFromToday(0));
    expect(JSON.stringify(closed.extension)).toContain('"code":"step-down"');
    const opened = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    expect(opened.period?.start).toBe(dayFromToday(1));
    expect(JSON.stringify(opened.extension)).toContain(`"reference":"EpisodeOfCare/${phpEpisode.id}"`);
    expect((await phpBookings()).every((a) => a.status === 'cancelled' && a.cancelationReason?.text?.startsWith('Level of care changed'))).toBe(true);
    const newTasks = await tasksOf(opened.id!);
    expect(newTasks.map((t) => t.code?.coding?.[0].code)).toEqual(['certification']);
    // The episode is finished: it cannot be stepped again.
    const again = await invoke(server, `EpisodeOfCare/${phpEpisode.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-op' } }, { name: 'effectiveDate', valueDate: dayFromToday(3) },
    ));
    expect(again.status).toBe(422);
  });

  test('a move into a program the patient is already enrolled in is refused with 409', async () => {
    const a = output((await enroll(server, fx.programs.php, fx.patients[2], dayFromToday(-3))).body, 'enrollment')!.resource as EpisodeOfCare;
    expect((await enroll(server, fx.programs.iop, fx.patients[2], dayFromToday(-3))).status).toBe(201);
    const res = await invoke(server, `EpisodeOfCare/${a.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }, { name: 'program', valueReference: { reference: `HealthcareService/${fx.programs.iop}` } },
      { name: 'effectiveDate', valueDate: dayFromToday(2) },
    ));
    expect(res.status).toBe(409);
  });
});
