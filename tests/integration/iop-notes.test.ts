import type { Claim, Composition, Coverage, Encounter, ParametersParameter, Provenance, QuestionnaireResponse } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import {
  countOf, createFixture, dayFromToday, enroll, Fixture, IOP, invoke, MH_LEVEL, output, outputs, params, schedule, searchResources, SESSION_TYPE, warnings,
  TEST_NOW, testClock,
} from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
let sessionEncounter: string;
const notesByPatient = new Map<string, string>();
const coverages: string[] = [];

const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');

function coverage(patientId: string, payer: string, auth?: { units: number; start: string; end: string }) {
  return {
    resourceType: 'Coverage', status: 'active', beneficiary: { reference: `Patient/${patientId}` }, payor: [{ reference: `Organization/${fx.org}` }],
    type: { coding: [{ system: `${IOP}/CodeSystem/payer-class`, code: payer }] },
    ...(auth ? {
      extension: [{
        url: `${IOP}/StructureDefinition/authorized-units`,
        extension: [
          { url: 'authorizationNumber', valueString: `AUTH-${payer}` }, { url: 'units', valuePositiveInt: auth.units }, { url: 'unitType', valueCode: 'day' },
          { url: 'period', valuePeriod: { start: auth.start, end: auth.end } },
          { url: 'levelOfCare', valueCodeableConcept: { coding: [{ system: MH_LEVEL, code: 'mh-iop' }] } },
        ],
      }],
    } : {}),
  };
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 4 });
  const [ana, ben, cara] = fx.patients;
  for (const [patient, payer, auth] of [
    [ana, 'medicare', { units: 10, start: dayFromToday(-30), end: dayFromToday(30) }],
    [ben, 'commercial', { units: 10, start: dayFromToday(-30), end: dayFromToday(-2) }],
    [cara, 'self-pay', undefined],
  ] as const) {
    const res = await json(server.http.post('/fhir/Coverage')).send(coverage(patient, payer, auth));
    expect(res.status).toBe(201);
    coverages.push(res.body.id);
  }
  for (const patient of [ana, ben]) {
    const condition = {
      resourceType: 'Condition', subject: { reference: `Patient/${patient}` },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F33.1' }] },
    };
    expect((await json(server.http.post('/fhir/Condition')).send(condition)).status).toBe(201);
  }
  for (const patient of [ana, ben, cara]) expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-30))).status).toBe(201);
  const day = dayFromToday(-1);
  const scheduled = await schedule(server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: day, to: day, facilitators: [fx.practitioners[0]] });
  const sessionId = output(scheduled.body, 'session')!.valueReference!.reference!.split('/')[1];
  const part = (patient: string, status: string, minutes?: number) => ({ name: 'participant', part: [
    { name: 'patient', valueReference: { reference: `Patient/${patient}` } }, { name: 'status', valueCode: status },
    ...(minutes ? [{ name: 'minutesAttended', valueInteger: minutes }] : []),
  ] });
  const recorded = await invoke(server, `Appointment/${sessionId}/$record-attendance`, params(part(ana, 'present'), part(ben, 'left-early', 100), part(cara, 'absent-unexcused')));
  expect(recorded.status).toBe(200);
  sessionEncounter = output(recorded.body, 'sessionEncounter')!.valueReference!.reference!;
});
afterAll(() => server.close());

const member = (patient: string, extra: ParametersParameter[] = []): ParametersParameter => ({ name: 'member', part: [
  { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
  { name: 'participation', valueCoding: { system: `${IOP}/CodeSystem/group-participation`, code: 'engaged' } },
  { name: 'response', valueCoding: { system: `${IOP}/CodeSystem/intervention-response`, code: 'receptive' } },
  ...extra,
] });
const shared: ParametersParameter = { name: 'shared', part: [
  { name: 'topic', valueString: 'Cognitive restructuring' },
  { name: 'modality', valueCoding: { system: `${IOP}/CodeSystem/therapy-modality`, code: 'cbt' } },
  { name: 'interventions', valueString: 'Thought records, guided discovery' },
  { name: 'summary', valueString: 'The group practised catching automatic thoughts. Ben Okafor led a role play.' },
] };

const textOf = (note: Composition) => (note.section ?? []).map((s) => s.text?.div ?? '').join('\n');

describe('$document-group-session', () => {
  test('an attendee without participation/response is refused with 400; a member not in the session with 422', async () => {
    const incomplete = await invoke(server, `${sessionEncounter}/$document-group-session`, params(shared, member(fx.patients[0]), { name: 'member', part: [{ name: 'patient', valueReference: { reference: `Patient/${fx.patients[1]}` } }] }));
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.issue[0].diagnostics).toMatch(/participation and response/);
    const stranger = await invoke(server, `${sessionEncounter}/$document-group-session`, params(shared, member(fx.patients[0]), member(fx.patients[1]), member(fx.patients[3])));
    expect(stranger.status).toBe(422);
    expect(await countOf(server, 'Composition')).toBe(0);
  });

  test('writes one draft note per booked patient, never naming other members, and an absence note', async () => {
    const res = await invoke(server, `${sessionEncounter}/$document-group-session`, params(
      shared,
      member(fx.patients[0], [{ name: 'progress', valueString: 'Ana challenged a thought about work; she and Ben compared notes.' }, { name: 'plan', valueString: 'Thought record daily.' }]),
      member(fx.patients[1], [{ name: 'observations', valueString: 'Left early for a medical appointment; quiet after Ana spoke.' }]),
    ));
    expect(res.status).toBe(200);
    for (const note of outputs(res.body, 'note')) notesByPatient.set(note.part![0].valueReference!.reference!.split('/')[1], note.part![1].valueReference!.reference!);
    expect(notesByPatient.size).toBe(3);
    expect(output(res.body, 'namesRedacted')!.valueInteger).toBeGreaterThanOrEqual(3);

    const ana = (await server.http.get(`/fhir/${notesByPatient.get(fx.patients[0])}`)).body as Composition;
    expect(ana.status).toBe('preliminary');
    expect(ana.meta?.profile).toContain(`${IOP}/StructureDefinition/iop-session-note`);
    expect(textOf(ana)).toContain('Cognitive restructuring');
    expect(textOf(ana)).toContain('Ana challenged');
    expect(textOf(ana)).not.toMatch(/Ben|Okafor|Cara/);
    expect(textOf(ana)).toContain('[another group member]');
    const response = ana.section!.find((s) => s.code?.coding?.[0].code === 'member-specific')!.entry![0].reference!;
    const answers = (await server.http.get(`/fhir/${response}`)).body as QuestionnaireResponse;
    expect(answers.questionnaire).toBe(`${IOP}/Questionnaire/group-session-note`);
    expect(JSON.stringify(answers)).not.toMatch(/Ben|Okafor/);

    const ben = (await server.http.get(`/fhir/${notesByPatient.get(fx.patients[1])}`)).body as Composition;
    expect(textOf(ben)).not.toMatch(/Ana\b|Rivera/);
    expect(textOf(ben)).toContain('attended 100 of 180 minutes');

    const cara = (await server.http.get(`/fhir/${notesByPatient.get(fx.patients[2])}`)).body as Composition;
    expect(textOf(cara)).toMatch(/no-show/);
    expect(textOf(cara)).not.toMatch(/Cognitive restructuring|automatic thoughts|Ben|Ana/);
    expect(cara.encounter?.reference).toBe(sessionEncounter);
    expect(cara.event?.[0].detail?.[0].reference).toMatch(/^Appointment\//);
  });

  test('documenting the same session again is refused with 409', async () => {
    const res = await invoke(server, `${sessionEncounter}/$document-group-session`, params(shared, member(fx.patients[0]), member(fx.patients[1])));
    expect(res.status).toBe(409);
  });
});

describe('$sign, locking and billing', () => {
  test('an unsigned note is not billed', async () => {
    expect(await countOf(server, 'Claim')).toBe(0);
  });

  test('signing makes the note final with a Provenance, bills the session (Medicare IOP: G0410 per 45 min, condition code 92) and uses a unit', async () => {
    const res = await invoke(server, `${notesByPatient.get(fx.patients[0])}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }));
    expect(res.status).toBe(200);
    expect(output(res.body, 'claimsWritten')!.valueInteger).toBe(1);
    const note = (await server.http.get(`/fhir/${notesByPatient.get(fx.patients[0])}`)).body as Composition;
    expect(note.status).toBe('final');
    expect(note.attester?.[0].party?.reference).toBe(`Practitioner/${fx.practitioners[0]}`);
    const provenance = (await server.http.get(`/fhir/${output(res.body, 'provenance')!.valueReference!.reference}`)).body as Provenance;
    expect(provenance.target[0].reference).toBe(`${notesByPatient.get(fx.patients[0])}/_history/${note.meta!.versionId}`);
    expect(provenance.signature?.[0].who.reference).toBe(`Practitioner/${fx.practitioners[0]}`);

    const [claim] = await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[0]}`);
    expect(claim.status).toBe('active');
    expect(claim.meta?.profile).toContain(`${IOP}/StructureDefinition/iop-claim`);
    expect(claim.type.coding?.[0].code).toBe('institutional');
    expect(claim.item?.map((i) => [i.productOrService.coding?.[0].code, i.revenue?.coding?.[0].code, i.quantity?.value])).toEqual([['G0410', '0915', 4]]);
    expect(claim.supportingInfo?.map((s) => s.code?.coding?.[0].code)).toEqual(['0132', '92']);
    expect(claim.diagnosis?.[0].diagnosisCodeableConcept?.coding?.[0].code).toBe('F33.1');
    expect(claim.insurance[0].preAuthRef).toEqual(['AUTH-medicare']);
    const cov = (await server.http.get(`/fhir/Coverage/${coverages[0]}`)).body as Coverage;
    expect(JSON.stringify(cov.extension)).toContain('"url":"usedUnits","valueUnsignedInt":1');
    // Payers search claims like anything else.
    expect(await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[0]}&created=ge${dayFromToday(-1)}`)).toHaveLength(1);
  });

  test('a signed note and its answers are locked: update, patch, delete and signing again are refused', async () => {
    const path = `/fhir/${notesByPatient.get(fx.patients[0])}`;
    const note = (await server.http.get(path)).body as Composition;
    const put = await json(server.http.put(path)).send({ ...note, title: 'changed' });
    expect(put.status).toBe(409);
    expect(put.body.issue[0].code).toBe('lock-error');
    expect(put.body.issue[0].diagnostics).toMatch(/signed.*\$amend/);
    const patch = await server.http.patch(path).set('Content-Type', 'application/json-patch+json').send([{ op: 'replace', path: '/title', value: 'x' }]);
    expect(patch.status).toBe(409);
    expect((await server.http.delete(path)).status).toBe(409);
    const response = note.section!.find((s) => s.entry)!.entry![0].reference!;
    expect((await server.http.delete(`/fhir/${response}`)).status).toBe(409);
    expect((await invoke(server, `${notesByPatient.get(fx.patients[0])}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }))).status).toBe(409);
    expect(((await server.http.get(path)).body as Composition).meta?.versionId).toBe(note.meta?.versionId);
  });

  test('batch signing: the commercial patient gets a per-diem claim with an ended-authorization warning, the absent patient no claim', async () => {
    const res = await invoke(server, 'Composition/$sign', params(
      { name: 'note', valueReference: { reference: notesByPatient.get(fx.patients[1]) } },
      { name: 'note', valueReference: { reference: notesByPatient.get(fx.patients[2]) } },
      { name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } },
    ));
    expect(res.status).toBe(200);
    const messages = warnings(res.body).join('\n');
    expect(messages).toMatch(/after the authorization ended/);
    expect(messages).toMatch(new RegExp(`Patient/${fx.patients[2]}: no claim, the patient did not attend`));
    const [claim] = await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[1]}`);
    expect(claim.item?.map((i) => i.productOrService.coding?.[0].code)).toEqual(['S9480']);
    expect(await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[2]}`)).toHaveLength(0);
  });

  test('an amendment is a new note that replaces the original, which stays signed and unchanged; it bills nothing twice', async () => {
    const originalPath = `/fhir/${notesByPatient.get(fx.patients[0])}`;
    const before = (await server.http.get(originalPath)).body as Composition;
    expect((await invoke(server, `${notesByPatient.get(fx.patients[0])}/$amend`, params())).status).toBe(400); // no reason
    const res = await invoke(server, `${notesByPatient.get(fx.patients[0])}/$amend`, params(
      { name: 'reason', valueString: 'Plan corrected after supervision' },
      { name: 'section', part: [{ name: 'code', valueCode: 'plan' }, { name: 'text', valueString: 'Thought record twice daily; Ben will call her.' }] },
    ));
    expect(res.status).toBe(201);
    const amendment = (await server.http.get(`/fhir/${output(res.body, 'amendment')!.valueReference!.reference}`)).body as Composition;
    expect(amendment.status).toBe('preliminary');
    expect(amendment.relatesTo?.[0]).toEqual({ code: 'replaces', targetReference: { reference: notesByPatient.get(fx.patients[0]) } });
    expect(textOf(amendment)).toContain('twice daily');
    expect(textOf(amendment)).not.toContain('Ben');
    const signed = await invoke(server, `Composition/${amendment.id}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[1]}` } }));
    expect(signed.status).toBe(200);
    expect(((await server.http.get(`/fhir/Composition/${amendment.id}`)).body as Composition).status).toBe('amended');
    const after = (await server.http.get(originalPath)).body as Composition;
    expect(after).toEqual(before);
    const [claim] = await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[0]}`);
    expect(claim.item).toHaveLength(1);
    const cov = (await server.http.get(`/fhir/Coverage/${coverages[0]}`)).body as Coverage;
    expect(JSON.stringify(cov.extension)).toContain('"url":"usedUnits","valueUnsignedInt":1');
    const draft = await invoke(server, `Composition/${amendment.id}/$amend`, params({ name: 'reason', valueString: 'x' }, { name: 'section', part: [{ name: 'code', valueCode: 'plan' }, { name: 'text', valueString: 'y' }] }));
    expect(draft.status).toBe(201); // an amended note can be amended again
    const newDraft = output(draft.body, 'amendment')!.valueReference!.reference!;
    const refused = await invoke(server, `${newDraft}/$amend`, params({ name: 'reason', valueString: 'x' }, { name: 'section', part: [{ name: 'code', valueCode: 'plan' }, { name: 'text', valueString: 'y' }] }));
    expect(refused.status).toBe(409); // a draft is edited, not amended
    expect(refused.body.issue[0].diagnostics).toMatch(/is a draft/);
  });
});

describe('$document-session (individual notes from their templates)', () => {
  let encounter: Encounter;
  const answers = (extra: object[] = []) => ({
    resourceType: 'QuestionnaireResponse', questionnaire: `${IOP}/Questionnaire/individual-therapy-note`, status: 'completed',
    subject: { reference: `Patient/${fx.patients[0]}` }, authored: TEST_NOW.toISOString(),
    item: [
      { linkId: 'session', item: [
        { linkId: 'session.type', answer: [{ valueCoding: { system: SESSION_TYPE, code: 'individual-psychotherapy', display: 'Individual psychotherapy' } }] },
        { linkId: 'session.minutes', answer: [{ valueInteger: 50 }] },
      ] },
      { linkId: 'content', item: [
        { linkId: 'content.focus', answer: [{ valueString: 'Work stress and sleep' }] },
        { linkId: 'content.interventions', answer: [{ valueString: 'Behavioural activation planning' }] },
        { linkId: 'content.response', answer: [{ valueCoding: { system: `${IOP}/CodeSystem/intervention-response`, code: 'receptive', display: 'Receptive' } }] },
      ] },
      ...extra,
    ],
  });

  beforeAll(async () => {
    const [episode] = await searchResources(server, `EpisodeOfCare?patient=Patient/${fx.patients[0]}`);
    const start = new Date(TEST_NOW.getTime() - 26 * 3_600_000);
    const res = await json(server.http.post('/fhir/Encounter')).send({
      resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      serviceType: { coding: [{ system: SESSION_TYPE, code: 'individual-psychotherapy' }] }, subject: { reference: `Patient/${fx.patients[0]}` },
      episodeOfCare: [{ reference: `EpisodeOfCare/${episode.id}` }],
      extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${fx.programs.iop}` } }],
      participant: [{ individual: { reference: `Practitioner/${fx.practitioners[1]}` } }],
      period: { start: start.toISOString(), end: new Date(start.getTime() + 50 * 60_000).toISOString() },
    });
    expect(res.status).toBe(201);
    encounter = res.body;
  });

  test('unanswered required items are a 400, an unknown template a 422', async () => {
    const missing = await json(server.http.post(`/fhir/Encounter/${encounter.id}/$document-session`)).send({ ...answers(), item: answers().item.slice(0, 1) });
    expect(missing.status).toBe(400);
    expect(missing.body.issue.map((i: { diagnostics: string }) => i.diagnostics)).toEqual(expect.arrayContaining(['Required item content is not answered', 'Required item next is not answered']));
    const unknown = await json(server.http.post(`/fhir/Encounter/${encounter.id}/$document-session`)).send({ ...answers(), questionnaire: `${IOP}/Questionnaire/phq-9` });
    expect(unknown.status).toBe(422);
  });

  test('writes the answers and a draft note with a section per template group; signing bills 90834', async () => {
    const res = await json(server.http.post(`/fhir/Encounter/${encounter.id}/$document-session`))
      .send(answers([{ linkId: 'next', item: [{ linkId: 'next.plan', answer: [{ valueString: 'Schedule two pleasant activities' }] }] }]));
    expect(res.status).toBe(200);
    const note = (await server.http.get(`/fhir/${output(res.body, 'note')!.valueReference!.reference}`)).body as Composition;
    expect(note.category?.[0].coding?.[0].code).toBe('individual-therapy-note');
    expect(note.section?.map((s) => s.code?.coding?.[0].code)).toEqual(['session-content', 'session-content', 'plan']);
    expect(textOf(note)).toContain('Behavioural activation planning');
    const signed = await invoke(server, `${output(res.body, 'note')!.valueReference!.reference}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[1]}` } }));
    expect(signed.status).toBe(200);
    const claims = await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[0]}`);
    const codes = claims.flatMap((c) => c.item ?? []).map((i) => i.productOrService.coding?.[0].code);
    expect(codes).toContain('90834');
  });
});
