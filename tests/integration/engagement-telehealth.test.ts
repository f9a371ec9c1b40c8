/**
 * Telehealth (issue 15 item 6): a program that meets online passes its virtual-service extension (join link,
 * channel, platform) to its sessions and bookings; attendance records how each patient took part; billing applies
 * the telehealth place of service (10 at home, 02 elsewhere) and modifier (95 video, 93 audio only).
 */
import type { Appointment, Claim, Encounter, Extension, HealthcareService, ParametersParameter } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import { createFixture, dayFromToday, enroll, Fixture, IOP, invoke, output, params, schedule, searchResources, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
let sessionId: string;

const VIRTUAL_SERVICE = `${IOP}/StructureDefinition/virtual-service`;
const POS = 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set';
const virtualService = (channel: string): Extension => ({
  url: VIRTUAL_SERVICE,
  extension: [
    { url: 'channel', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: channel } },
    { url: 'address', valueUrl: 'https://video.example.org/rooms/evening-group' },
    { url: 'platform', valueString: 'Example Video' },
  ],
});
const participant = (patient: string, status: string, extra: ParametersParameter[] = []): ParametersParameter => ({ name: 'participant', part: [
  { name: 'patient', valueReference: { reference: `Patient/${patient}` } }, { name: 'status', valueCode: status }, ...extra,
] });

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 5, payerClasses: ['commercial', 'commercial', 'commercial', 'commercial', 'medicare'] });
  const program = (await server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`)).body as HealthcareService;
  const updated = await server.http.put(`/fhir/HealthcareService/${program.id}`).set('Content-Type', 'application/fhir+json')
    .send({ ...program, extension: [...(program.extension ?? []), virtualService('VIDEOCONF')] });
  expect(updated.status).toBe(200);
  for (const patient of fx.patients) expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-20))).status).toBe(201);
  const day = dayFromToday(-1);
  const scheduled = await schedule(server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '18:00', minutes: 180, from: day, to: day, facilitators: [fx.practitioners[0]] });
  expect(scheduled.status).toBe(200);
  sessionId = output(scheduled.body, 'session')!.valueReference!.reference!.split('/')[1];
});
afterAll(() => server.close());

describe('virtual sessions', () => {
  test('the session and every booking carry the program\'s virtual service, which validates against its definition', async () => {
    const session = (await server.http.get(`/fhir/Appointment/${sessionId}`)).body as Appointment;
    expect(session.extension?.find((e) => e.url === VIRTUAL_SERVICE)).toEqual(virtualService('VIDEOCONF'));
    const bookings = await searchResources<Appointment>(server, `Appointment?session-appointment=Appointment/${sessionId}`);
    expect(bookings).toHaveLength(5);
    for (const booking of bookings) expect(booking.extension?.find((e) => e.url === VIRTUAL_SERVICE)?.extension?.find((e) => e.url === 'address')?.valueUrl).toBe('https://video.example.org/rooms/evening-group');
    const invalid = await server.http.post('/fhir/Appointment/$validate').set('Content-Type', 'application/fhir+json').send({
      ...session, id: undefined, meta: undefined,
      extension: [...(session.extension ?? []).filter((e) => e.url !== VIRTUAL_SERVICE), { url: VIRTUAL_SERVICE, extension: [{ url: 'channel', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'WRITTEN' } }] }],
    });
    expect(invalid.body.issue.map((i: { diagnostics: string }) => i.diagnostics).join('\n')).toMatch(/"WRITTEN" .* is not in the required value set Telehealth channel/);
  });

  test('an unknown modality is a 400 and nothing is recorded', async () => {
    const res = await invoke(server, `Appointment/${sessionId}/$record-attendance`, params(participant(fx.patients[0], 'present', [{ name: 'modality', valueCode: 'carrier-pigeon' }])));
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/unknown modality "carrier-pigeon"/);
    expect(await searchResources<Encounter>(server, `Encounter?appointment=Appointment/${sessionId}`)).toHaveLength(0);
  });

  test('attendance records each patient\'s modality: the session\'s video by default, at home unless said otherwise', async () => {
    const [home, clinic, phone, inPerson, medicareAtHome] = fx.patients;
    const res = await invoke(server, `Appointment/${sessionId}/$record-attendance`, params(
      participant(medicareAtHome, 'present'),
      participant(home, 'present'),
      participant(clinic, 'present', [{ name: 'patientAtHome', valueBoolean: false }]),
      participant(phone, 'present', [{ name: 'modality', valueCode: 'audio-only' }]),
      participant(inPerson, 'present', [{ name: 'modality', valueCode: 'in-person' }]),
    ));
    expect(res.status).toBe(200);
    const encounters = await searchResources<Encounter>(server, `Encounter?part-of=${output(res.body, 'sessionEncounter')!.valueReference!.reference}`);
    const byPatient = new Map(encounters.map((e) => [e.subject!.reference!.split('/')[1], e]));
    const modality = (e: Encounter) => e.extension?.find((x) => x.url === `${IOP}/StructureDefinition/session-modality`)?.valueCoding?.code;
    const atHome = (e: Encounter) => e.extension?.find((x) => x.url === `${IOP}/StructureDefinition/telehealth-patient-at-home`)?.valueBoolean;
    expect([modality(byPatient.get(home)!), byPatient.get(home)!.class.code, atHome(byPatient.get(home)!)]).toEqual(['video', 'VR', true]);
    expect([modality(byPatient.get(clinic)!), atHome(byPatient.get(clinic)!)]).toEqual(['video', false]);
    expect(modality(byPatient.get(phone)!)).toBe('audio-only');
    expect([modality(byPatient.get(inPerson)!), byPatient.get(inPerson)!.class.code, atHome(byPatient.get(inPerson)!)]).toEqual(['in-person', 'AMB', undefined]);
  });

  test('signed notes bill the telehealth place of service and modifier of each attendance', async () => {
    const [sessionEncounter] = await searchResources<Encounter>(server, `Encounter?appointment=Appointment/${sessionId}`);
    const shared = { name: 'shared', part: [
      { name: 'topic', valueString: 'Urge surfing' },
      { name: 'modality', valueCoding: { system: `${IOP}/CodeSystem/therapy-modality`, code: 'dbt' } },
      { name: 'interventions', valueString: 'Mindfulness practice' },
    ] };
    const member = (patient: string) => ({ name: 'member', part: [
      { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
      { name: 'participation', valueCoding: { system: `${IOP}/CodeSystem/group-participation`, code: 'engaged' } },
      { name: 'response', valueCoding: { system: `${IOP}/CodeSystem/intervention-response`, code: 'receptive' } },
    ] });
    const documented = await invoke(server, `Encounter/${sessionEncounter.id}/$document-group-session`, params(shared, ...fx.patients.map(member)));
    expect(documented.status).toBe(200);
    const signed = await invoke(server, 'Composition/$sign', params(
      ...(documented.body.parameter ?? []).filter((p: { name: string }) => p.name === 'note').map((p: { part: { valueReference: object }[] }) => ({ name: 'note', valueReference: p.part[1].valueReference })),
      { name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } },
    ));
    expect(signed.status).toBe(200);
    // Medicare does not pay for IOP services furnished in the patient's home: no claim, and the outcome says why.
    const outcome = (signed.body.parameter ?? []).find((p: { name: string }) => p.name === 'outcome')?.resource;
    expect(JSON.stringify(outcome)).toMatch(/telehealth-not-covered.*patient's home/);
    expect(await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[4]}`)).toHaveLength(0);
    const coding = async (patient: string) => {
      const [claim] = await searchResources<Claim>(server, `Claim?patient=Patient/${patient}`);
      const line = claim.item![0];
      return [line.locationCodeableConcept?.coding?.find((c) => c.system === POS)?.code, (line.modifier ?? []).map((m) => m.coding?.[0].code)];
    };
    const [home, clinic, phone, inPerson] = fx.patients;
    expect(await coding(home)).toEqual(['10', ['95']]);
    expect(await coding(clinic)).toEqual(['02', ['95']]);
    expect(await coding(phone)).toEqual(['10', ['93']]);
    const [inPersonPos, inPersonModifiers] = await coding(inPerson);
    expect(inPersonPos).not.toMatch(/^(02|10)$/);
    expect(inPersonModifiers).toEqual([]);
  });
});
