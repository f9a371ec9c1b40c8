/**
 * Issue 6 "Must have" sentences that had no HTTP test of their own (docs/iop-workflows.md maps every sentence to
 * its test): scheduling warns on an ended or used-up authorization; an IOP recertification Task appears before it
 * falls due; 3 no-shows in 14 days raise a Flag; the outcome report counts step-downs; family and psychiatric
 * notes come from their templates and bill their codes.
 */
import type { Bundle, Claim, Composition, Flag, MeasureReport, ParametersParameter, Task } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import {
  addDaysTo, createFixture, dayFromToday, enroll, Fixture, IOP, invoke, MH_LEVEL, output, params, schedule, searchResources, SESSION_TYPE, warnings,
  TEST_NOW, testClock,
} from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');

function coverage(patientId: string, auth: { units: number; used?: number; start: string; end: string }) {
  return {
    resourceType: 'Coverage', status: 'active', beneficiary: { reference: `Patient/${patientId}` }, payor: [{ reference: `Organization/${fx.org}` }],
    type: { coding: [{ system: `${IOP}/CodeSystem/payer-class`, code: 'commercial' }] },
    extension: [{
      url: `${IOP}/StructureDefinition/authorized-units`,
      extension: [
        { url: 'authorizationNumber', valueString: `AUTH-${patientId.slice(0, 4)}` }, { url: 'units', valuePositiveInt: auth.units }, { url: 'unitType', valueCode: 'day' },
        { url: 'period', valuePeriod: { start: auth.start, end: auth.end } },
        { url: 'levelOfCare', valueCodeableConcept: { coding: [{ system: MH_LEVEL, code: 'mh-iop' }] } },
        ...(auth.used !== undefined ? [{ url: 'usedUnits', valueUnsignedInt: auth.used }] : []),
      ],
    }],
  };
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 6 });
});
afterAll(() => server.close());

test('scheduling warns (and still books) when an authorization has ended or has no units left', async () => {
  const [ended, usedUp] = fx.patients;
  expect((await json(server.http.post('/fhir/Coverage')).send(coverage(ended, { units: 10, start: dayFromToday(-60), end: dayFromToday(-2) }))).status).toBe(201);
  expect((await json(server.http.post('/fhir/Coverage')).send(coverage(usedUp, { units: 4, used: 4, start: dayFromToday(-30), end: dayFromToday(60) }))).status).toBe(201);
  for (const patient of [ended, usedUp]) expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-20))).status).toBe(201);
  const res = await schedule(server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: dayFromToday(3), to: dayFromToday(4), facilitators: [fx.practitioners[0]] });
  expect(res.status).toBe(200);
  expect(output(res.body, 'bookingsCreated')!.valueInteger).toBe(4);
  const messages = warnings(res.body).join('\n');
  expect(messages).toMatch(new RegExp(`Patient/${ended} \\(authorization [^)]*\\): The authorization ended on ${dayFromToday(-2)}`));
  expect(messages).toMatch(new RegExp(`Patient/${usedUp} \\(authorization [^)]*\\): No authorized units are left`));
});

test('IOP: the recertification Task is created before the recertification falls due (60 days after certification)', async () => {
  const patient = fx.patients[2];
  const start = dayFromToday(-55);
  const enrolled = await enroll(server, fx.programs.iop, patient, start);
  expect(enrolled.status).toBe(201);
  const episodeId = output(enrolled.body, 'enrollment')!.resource!.id!;
  const res = await invoke(server, `EpisodeOfCare/${episodeId}/$record-certification`, params({ name: 'date', valueDate: start }, { name: 'certifier', valueReference: { reference: `Practitioner/${fx.practitioners[2]}` } }));
  expect(res.status).toBe(200);
  expect(output(res.body, 'nextDue')!.valueDate).toBe(addDaysTo(start, 60));
  const open = (await searchResources<Task>(server, `Task?focus=EpisodeOfCare/${episodeId}&status=requested`));
  const recertification = open.filter((t) => t.code?.coding?.[0].code === 'recertification');
  expect(recertification.map((t) => t.restriction?.period?.end)).toEqual([addDaysTo(start, 60)]);
  // The treatment-plan review (IOP: every other month) is tracked the same way.
  expect(open.filter((t) => t.code?.coding?.[0].code === 'plan-review').map((t) => t.restriction?.period?.end)).toEqual([addDaysTo(start, 60)]);
  expect(addDaysTo(start, 60) > dayFromToday(0)).toBe(true); // due in 5 days: the Task came first
});

test('3 unexcused absences within 14 days raise a no-shows-in-period Flag, even with attendance between them', async () => {
  const [patient, other] = [fx.patients[3], fx.patients[4]];
  for (const p of [patient, other]) expect((await enroll(server, fx.programs.php, p, dayFromToday(-20))).status).toBe(201);
  const statuses = ['absent-unexcused', 'present', 'absent-unexcused', 'present', 'absent-unexcused'];
  for (const [i, status] of statuses.entries()) {
    const day = dayFromToday(-10 + 2 * i);
    const scheduled = await schedule(server, fx.programs.php, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '13:00', minutes: 60, from: day, to: day, facilitators: [fx.practitioners[1]] });
    expect(scheduled.status).toBe(200);
    const session = output(scheduled.body, 'session')!.valueReference!.reference!;
    const part = (p: string, s: string): ParametersParameter => ({ name: 'participant', part: [{ name: 'patient', valueReference: { reference: `Patient/${p}` } }, { name: 'status', valueCode: s }] });
    expect((await invoke(server, `${session}/$record-attendance`, params(part(patient, status), part(other, 'present')))).status).toBe(200);
  }
  const codes = (await searchResources<Flag>(server, `Flag?patient=Patient/${patient}&status=active`)).map((f) => f.code?.coding?.[0].code);
  expect(codes).toContain('no-shows-in-period');
  expect(codes).not.toContain('consecutive-no-shows');
  const otherCodes = (await searchResources<Flag>(server, `Flag?patient=Patient/${other}&status=active`)).map((f) => f.code?.coding?.[0].code);
  expect(otherCodes).not.toContain('no-shows-in-period');
});

test('$outcome-report counts a step-down in the completion and step-down rates of the program left', async () => {
  const patient = fx.patients[5];
  const enrolled = await enroll(server, fx.programs.php, patient, dayFromToday(-15));
  const episodeId = output(enrolled.body, 'enrollment')!.resource!.id!;
  const stepped = await invoke(server, `EpisodeOfCare/${episodeId}/$change-level-of-care`, params(
    { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }, { name: 'program', valueReference: { reference: `HealthcareService/${fx.programs.iop}` } },
    { name: 'effectiveDate', valueDate: dayFromToday(-1) },
  ));
  expect(stepped.status).toBe(200);
  const res = await server.http.get(`/fhir/HealthcareService/${fx.programs.php}/$outcome-report?start=${dayFromToday(-30)}&end=${dayFromToday(0)}`);
  expect(res.status).toBe(200);
  const report = (id: string) => ((res.body as Bundle).entry ?? []).map((e) => e.resource as MeasureReport).find((r) => r.measure.endsWith(`/${id}`))!;
  const counts = (r: MeasureReport) => Object.fromEntries(r.group![0].population!.filter((p) => p.code!.coding![0].code !== 'initial-population').map((p) => [p.code!.coding![0].code, p.count]));
  expect(counts(report('iop-completion-rate'))).toEqual({ denominator: 1, numerator: 1 });
  expect(counts(report('iop-step-down-rate'))).toEqual({ denominator: 1, numerator: 1 });
});

describe('family and psychiatric notes from their templates', () => {
  const sessionEncounter = async (patient: string, sessionType: string, minutes: number) => {
    const [episode] = await searchResources(server, `EpisodeOfCare?patient=Patient/${patient}&status=active`);
    const start = new Date(TEST_NOW.getTime() - 26 * 3_600_000);
    const res = await json(server.http.post('/fhir/Encounter')).send({
      resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      serviceType: { coding: [{ system: SESSION_TYPE, code: sessionType }] }, subject: { reference: `Patient/${patient}` },
      episodeOfCare: [{ reference: `EpisodeOfCare/${episode.id}` }],
      extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${fx.programs.iop}` } }],
      participant: [{ individual: { reference: `Practitioner/${fx.practitioners[1]}` } }],
      period: { start: start.toISOString(), end: new Date(start.getTime() + minutes * 60_000).toISOString() },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const signAndBill = async (noteRef: string, patient: string) => {
    expect((await invoke(server, `${noteRef}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[1]}` } }))).status).toBe(200);
    return (await searchResources<Claim>(server, `Claim?patient=Patient/${patient}`)).flatMap((c) => c.item ?? []).map((i) => i.productOrService.coding?.[0].code);
  };

  test('a family session written on the individual template is a family-session-note and bills 90847', async () => {
    const patient = fx.patients[2]; // enrolled in the MH IOP: Medicare bills the family session as a per-service line
    expect((await json(server.http.post('/fhir/Coverage')).send({ ...coverage(patient, { units: 20, start: dayFromToday(-60), end: dayFromToday(60) }), type: { coding: [{ system: `${IOP}/CodeSystem/payer-class`, code: 'medicare' }] } })).status).toBe(201);
    const encounter = await sessionEncounter(patient, 'family-psychotherapy', 50);
    const res = await json(server.http.post(`/fhir/Encounter/${encounter}/$document-session`)).send({
      resourceType: 'QuestionnaireResponse', questionnaire: `${IOP}/Questionnaire/individual-therapy-note`, status: 'completed',
      subject: { reference: `Patient/${patient}` }, authored: TEST_NOW.toISOString(),
      item: [
        { linkId: 'session', item: [{ linkId: 'session.type', answer: [{ valueCoding: { system: SESSION_TYPE, code: 'family-psychotherapy' } }] }, { linkId: 'session.minutes', answer: [{ valueInteger: 50 }] }] },
        { linkId: 'content', item: [
          { linkId: 'content.focus', answer: [{ valueString: 'Communication at home' }] }, { linkId: 'content.interventions', answer: [{ valueString: 'Structured family dialogue' }] },
          { linkId: 'content.response', answer: [{ valueCoding: { system: `${IOP}/CodeSystem/intervention-response`, code: 'receptive' } }] },
        ] },
        { linkId: 'next', item: [{ linkId: 'next.plan', answer: [{ valueString: 'Weekly family check-in' }] }] },
      ],
    });
    expect(res.status).toBe(200);
    const noteRef = output(res.body, 'note')!.valueReference!.reference!;
    const note = (await server.http.get(`/fhir/${noteRef}`)).body as Composition;
    expect(note.category?.[0].coding?.[0].code).toBe('family-session-note');
    expect(note.status).toBe('preliminary');
    expect(await signAndBill(noteRef, patient)).toEqual(expect.arrayContaining(['90847']));
  });

  test('a psychiatric evaluation from its template is a draft note until signed, then bills 90791', async () => {
    const patient = fx.patients[2];
    const encounter = await sessionEncounter(patient, 'psychiatric-evaluation', 60);
    const answers = (items: object[]) => ({
      resourceType: 'QuestionnaireResponse', questionnaire: `${IOP}/Questionnaire/psychiatric-evaluation`, status: 'completed',
      subject: { reference: `Patient/${patient}` }, authored: TEST_NOW.toISOString(), item: items,
    });
    const missing = await json(server.http.post(`/fhir/Encounter/${encounter}/$document-session`)).send(answers([]));
    expect(missing.status).toBe(400);
    const risk = (code: string) => [{ valueCoding: { system: `${IOP}/CodeSystem/risk-level`, code } }];
    const res = await json(server.http.post(`/fhir/Encounter/${encounter}/$document-session`)).send(answers([
      { linkId: 'history', item: [{ linkId: 'history.reason', answer: [{ valueString: 'Worsening depression' }] }, { linkId: 'history.present-illness', answer: [{ valueString: 'Six weeks of low mood' }] }] },
      { linkId: 'risk', item: [{ linkId: 'risk.suicide', answer: risk('low') }, { linkId: 'risk.violence', answer: risk('none') }] },
      { linkId: 'impression', item: [
        { linkId: 'impression.diagnoses', answer: [{ valueCoding: { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F33.1' } }] },
        { linkId: 'impression.formulation', answer: [{ valueString: 'Recurrent depression, moderate' }] },
        { linkId: 'impression.level-of-care', answer: [{ valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }] },
        { linkId: 'impression.plan', answer: [{ valueString: 'Continue IOP; medication review' }] },
      ] },
    ]));
    expect(res.status).toBe(200);
    const noteRef = output(res.body, 'note')!.valueReference!.reference!;
    const note = (await server.http.get(`/fhir/${noteRef}`)).body as Composition;
    expect([note.category?.[0].coding?.[0].code, note.status]).toEqual(['psychiatric-evaluation', 'preliminary']);
    expect(await signAndBill(noteRef, patient)).toEqual(expect.arrayContaining(['90791']));
  });
});
