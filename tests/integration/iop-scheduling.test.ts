import type { Appointment, EpisodeOfCare, Parameters, Task } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import {
  addDaysTo, createFixture, dayFromToday, enroll, Fixture, invoke, MH_LEVEL, nextWeekday, output, outputs, params, schedule,
  searchResources, warnings, testClock,
} from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, {
    patients: 4, payerClasses: ['commercial'],
    authorization: { units: 3, unitType: 'day', start: dayFromToday(-30), end: dayFromToday(60) },
  });
});
afterAll(() => server.close());

describe('$enroll', () => {
  test('creates the enrollment at the program\'s level of care, with the certification Task due at admission', async () => {
    const res = await enroll(server, fx.programs.iop, fx.patients[0], dayFromToday(0), [{ name: 'careManager', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }]);
    expect(res.status).toBe(201);
    const episode = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    expect(episode.status).toBe('active');
    expect(episode.meta?.profile).toContain('http://iop-fhir.org/fhir/StructureDefinition/iop-enrollment');
    expect(JSON.stringify(episode.extension)).toContain('"code":"mh-iop"');
    expect(output(res.body, 'tasksCreated')!.valueInteger).toBe(1);
    const tasks = await searchResources<Task>(server, `Task?focus=EpisodeOfCare/${episode.id}`);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].code?.coding?.[0].code).toBe('certification');
    expect(tasks[0].owner?.reference).toBe(`Practitioner/${fx.practitioners[0]}`);
    expect(tasks[0].priority).toBe('urgent');
  });

  test('a second enrollment in the same program is refused with 409', async () => {
    const res = await enroll(server, fx.programs.iop, fx.patients[0], dayFromToday(1));
    expect(res.status).toBe(409);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/already enrolled/);
  });

  test('an unknown level of care is refused with 422, an unknown patient with 404', async () => {
    const bad = await enroll(server, fx.programs.php, fx.patients[1], dayFromToday(0), [{ name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-nowhere' } }]);
    expect(bad.status).toBe(422);
    const missing = await enroll(server, fx.programs.php, 'no-such-patient', dayFromToday(0));
    expect(missing.status).toBe(404);
  });
});

describe('$schedule-sessions', () => {
  const monday = nextWeekday(1, 3);

  test('creates one session per occurrence and one Appointment per enrolled patient, idempotently', async () => {
    expect((await enroll(server, fx.programs.iop, fx.patients[1], dayFromToday(0))).status).toBe(201);
    const input = { days: ['mon', 'wed', 'fri'], startTime: '09:00', minutes: 180, from: monday, to: addDaysTo(monday, 11), facilitators: [fx.practitioners[0]], location: fx.rooms[0] };
    const first = await schedule(server, fx.programs.iop, input);
    expect(first.status).toBe(200);
    expect(output(first.body, 'sessionsCreated')!.valueInteger).toBe(6);
    expect(output(first.body, 'bookingsCreated')!.valueInteger).toBe(12);
    const sessions = outputs(first.body, 'session');
    expect(sessions).toHaveLength(6);
    const session = (await server.http.get(`/fhir/${sessions[0].valueReference!.reference}`)).body as Appointment;
    expect(session.start).toBe(`${monday}T${isDst(monday) ? '14' : '15'}:00:00.000Z`);
    expect(session.participant?.map((p) => p.actor?.reference)).toEqual([`Practitioner/${fx.practitioners[0]}`, `Location/${fx.rooms[0]}`]);
    const booked = await searchResources<Appointment>(server, `Appointment?session-appointment=${sessions[0].valueReference!.reference}`);
    expect(booked.map((a) => a.participant?.[0].actor?.reference).sort()).toEqual([`Patient/${fx.patients[0]}`, `Patient/${fx.patients[1]}`].sort());
    // Only 3 authorized days remain for six planned days: a warning, not a refusal.
    expect(warnings(first.body).join('\n')).toMatch(/need 6 unit\(s\); 3 remain/);

    const again = await schedule(server, fx.programs.iop, input);
    expect(again.status).toBe(200);
    expect(output(again.body, 'sessionsCreated')!.valueInteger).toBe(0);
    expect(output(again.body, 'sessionsExisting')!.valueInteger).toBe(6);
    expect(output(again.body, 'bookingsCreated')!.valueInteger).toBe(0);
    expect(await searchResources<Appointment>(server, `Appointment?program=HealthcareService/${fx.programs.iop}`)).toHaveLength(18);
  });

  test('a facilitator double-booked in another program is reported and the session is not created', async () => {
    const res = await schedule(server, fx.programs.php, { days: ['mon'], startTime: '10:00', minutes: 60, from: monday, to: addDaysTo(monday, 6), facilitators: [fx.practitioners[0]] });
    expect(res.status).toBe(200);
    expect(output(res.body, 'sessionsCreated')!.valueInteger).toBe(0);
    const conflict = output(res.body, 'conflict')!;
    expect(conflict.part?.find((p) => p.name === 'participant')?.valueString).toBe(`Practitioner/${fx.practitioners[0]}`);
    expect(conflict.part?.find((p) => p.name === 'conflictsWith')?.valueReference?.reference).toMatch(/^Appointment\//);
    expect(await searchResources<Appointment>(server, `Appointment?program=HealthcareService/${fx.programs.php}`)).toHaveLength(0);
  });

  test('a patient enrolled later is added to the future sessions of the program', async () => {
    const res = await enroll(server, fx.programs.iop, fx.patients[2], dayFromToday(0));
    expect(res.status).toBe(201);
    expect(output(res.body, 'bookingsCreated')!.valueInteger).toBe(6);
    const mine = await searchResources<Appointment>(server, `Appointment?patient=Patient/${fx.patients[2]}`);
    expect(mine).toHaveLength(6);
  });

  test('a patient booked elsewhere at the same time is reported, not double-booked', async () => {
    expect((await enroll(server, fx.programs.php, fx.patients[2], dayFromToday(0))).status).toBe(201);
    const res = await schedule(server, fx.programs.php, { days: ['mon'], startTime: '11:00', minutes: 60, from: monday, to: monday, facilitators: [fx.practitioners[1]] });
    expect(output(res.body, 'sessionsCreated')!.valueInteger).toBe(1);
    expect(output(res.body, 'bookingsCreated')!.valueInteger).toBe(0);
    expect(outputs(res.body, 'conflict').map((c) => c.part?.find((p) => p.name === 'participant')?.valueString)).toEqual([`Patient/${fx.patients[2]}`]);
  });

  test('a recurrence with bad fields answers 400 with one issue per field, and writes nothing', async () => {
    const res = await invoke(server, `HealthcareService/${fx.programs.iop}/$schedule-sessions`, params(
      { name: 'daysOfWeek', valueCode: 'funday' }, { name: 'startTime', valueString: '25:00' }, { name: 'durationMinutes', valueInteger: 0 },
      { name: 'from', valueDate: monday }, { name: 'to', valueDate: addDaysTo(monday, -1) },
      { name: 'sessionType', valueCode: 'group-psychotherapy' }, { name: 'facilitator', valueReference: { reference: `Practitioner/${fx.practitioners[2]}` } },
    ));
    expect(res.status).toBe(400);
    const fields = res.body.issue.map((i: { diagnostics: string }) => i.diagnostics.split(':')[0]).sort();
    expect(fields).toEqual(['daysOfWeek', 'durationMinutes', 'startTime', 'to']);
  });

  test('an unknown session type or a patient as facilitator is a 400', async () => {
    const base = { days: ['tue'], startTime: '09:00', minutes: 60, from: monday, to: monday, facilitators: [fx.practitioners[2]] };
    expect((await schedule(server, fx.programs.iop, { ...base, sessionType: 'karaoke' })).status).toBe(400);
    const res = await invoke(server, `HealthcareService/${fx.programs.iop}/$schedule-sessions`, params(
      { name: 'daysOfWeek', valueCode: 'tue' }, { name: 'startTime', valueString: '09:00' }, { name: 'durationMinutes', valueInteger: 60 },
      { name: 'from', valueDate: monday }, { name: 'to', valueDate: monday }, { name: 'sessionType', valueCode: 'group-psychotherapy' },
      { name: 'facilitator', valueReference: { reference: `Patient/${fx.patients[0]}` } },
    ));
    expect(res.status).toBe(400);
  });

  test('an operation writes only what the token may write: without Appointment create scope it is refused, nothing written', async () => {
    const before = await searchResources<Appointment>(server, `Appointment?program=HealthcareService/${fx.programs.iop}`);
    const reader = await server.as('system/HealthcareService.rs system/Appointment.rs system/EpisodeOfCare.rs system/Patient.rs system/Coverage.rs system/Practitioner.rs');
    const res = await reader.post(`/fhir/HealthcareService/${fx.programs.iop}/$schedule-sessions`).set('Content-Type', 'application/fhir+json').send(params(
      { name: 'daysOfWeek', valueCode: 'sat' }, { name: 'startTime', valueString: '10:00' }, { name: 'durationMinutes', valueInteger: 60 },
      { name: 'from', valueDate: monday }, { name: 'to', valueDate: addDaysTo(monday, 6) }, { name: 'sessionType', valueCode: 'group-psychotherapy' },
      { name: 'facilitator', valueReference: { reference: `Practitioner/${fx.practitioners[2]}` } },
    ));
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await searchResources<Appointment>(server, `Appointment?program=HealthcareService/${fx.programs.iop}`)).toHaveLength(before.length);
  });

  test('GET is refused: the operation changes data', async () => {
    expect((await server.http.get(`/fhir/HealthcareService/${fx.programs.iop}/$schedule-sessions`)).status).toBe(405);
  });

  test('the operations appear in the CapabilityStatement', async () => {
    const res = await server.http.get('/fhir/metadata');
    const service = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'HealthcareService');
    const names = service.operation.map((o: { name: string }) => o.name);
    expect(names).toEqual(expect.arrayContaining(['schedule-sessions', 'enroll']));
  });
});

function isDst(date: string): boolean {
  const offset = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', timeZoneName: 'shortOffset' })
    .formatToParts(new Date(`${date}T12:00:00Z`)).find((p) => p.type === 'timeZoneName')!.value;
  return offset === 'GMT-5';
}

export type { Parameters };
