/**
 * Medication management (issue 15 item 5): program prescriptions must name the medication, patient, date, prescriber
 * and dosage text (else 422, nothing written); MOUD prescribed in a 42 CFR Part 2 program is labelled Part 2; the
 * medication list is in Patient/$everything; side effects are structured Observations; a medication-management note
 * bills the selected E/M level and the psychotherapy add-on.
 */
import type { Bundle, Claim, Composition, MedicationRequest, Observation, Resource } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import { countOf, createFixture, dayFromToday, enroll, Fixture, IOP, invoke, output, params, searchResources, SESSION_TYPE, TEST_NOW, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const PROFILE = `${IOP}/StructureDefinition/iop-medication-request`;
const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');
const programExtension = (programId: string) => ({ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${programId}` } });

function prescription(patient: string, programId: string, rxcui: string, name: string, dose: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest', meta: { profile: [PROFILE] }, extension: [programExtension(programId)],
    status: 'active', intent: 'order',
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxcui, display: name }], text: name },
    subject: { reference: `Patient/${patient}` }, authoredOn: TEST_NOW.toISOString(),
    requester: { reference: `Practitioner/${fx.practitioners[2]}` },
    dosageInstruction: [{ text: dose }],
  };
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 3, payerClasses: ['medicare'] });
  expect((await enroll(server, fx.programs.iop, fx.patients[0], dayFromToday(-20))).status).toBe(201);
  expect((await enroll(server, fx.programs.sud, fx.patients[1], dayFromToday(-20))).status).toBe(201);
});
afterAll(() => server.close());

describe('prescriptions', () => {
  test('a program prescription without its required elements is a 422 naming each one, and nothing is written', async () => {
    const { authoredOn: _a, requester: _r, dosageInstruction: _d, ...incomplete } = prescription(fx.patients[0], fx.programs.iop, '36437', 'sertraline', '50 mg daily');
    for (const body of [incomplete, { ...incomplete, meta: undefined }, { ...incomplete, dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }] }]) {
      const res = await json(server.http.post('/fhir/MedicationRequest')).send(body);
      expect(res.status).toBe(422);
      expect(res.body.resourceType).toBe('OperationOutcome');
      const text = res.body.issue.map((i: { diagnostics: string }) => i.diagnostics).join('\n');
      expect(text).toMatch(/requester|prescriber/);
      expect(text).toMatch(/dosage/);
    }
    const missingMedication = await json(server.http.post('/fhir/MedicationRequest')).send({ ...prescription(fx.patients[0], fx.programs.iop, '36437', 'sertraline', '50 mg daily'), meta: undefined, medicationCodeableConcept: { coding: [] } });
    expect(missingMedication.status).toBeGreaterThanOrEqual(400);
    expect(missingMedication.status).toBeLessThan(500);
    const transaction = await json(server.http.post('/fhir')).send({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: prescription(fx.patients[0], fx.programs.iop, '28439', 'lamotrigine', '25 mg daily'), request: { method: 'POST', url: 'MedicationRequest' } },
        { resource: { ...incomplete, meta: undefined }, request: { method: 'POST', url: 'MedicationRequest' } },
      ],
    } as Bundle);
    expect(transaction.status).toBe(422);
    expect(await countOf(server, 'MedicationRequest')).toBe(0);
  });

  test('a complete prescription is stored; a record imported from elsewhere (no program, no profile) is stored as R4 allows', async () => {
    const ok = await json(server.http.post('/fhir/MedicationRequest')).send(prescription(fx.patients[0], fx.programs.iop, '36437', 'sertraline', '50 mg by mouth once daily'));
    expect(ok.status).toBe(201);
    const imported = await json(server.http.post('/fhir/MedicationRequest')).send({
      resourceType: 'MedicationRequest', status: 'stopped', intent: 'order', subject: { reference: `Patient/${fx.patients[0]}` },
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '4493', display: 'fluoxetine' }] },
    });
    expect(imported.status).toBe(201);
    const updatedBadly = await server.http.put(`/fhir/MedicationRequest/${ok.body.id}`).set('Content-Type', 'application/fhir+json').send({ ...ok.body, dosageInstruction: [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } } }] });
    expect(updatedBadly.status).toBe(422);
    expect(((await server.http.get(`/fhir/MedicationRequest/${ok.body.id}`)).body as MedicationRequest).dosageInstruction?.[0].text).toBe('50 mg by mouth once daily');
  });

  test('MOUD prescribed in the Part 2 program is labelled 42 CFR Part 2; the same drug elsewhere is not', async () => {
    const moud = await json(server.http.post('/fhir/MedicationRequest')).send(prescription(fx.patients[1], fx.programs.sud, '1819', 'buprenorphine', '8 mg sublingual once daily'));
    expect(moud.status).toBe(201);
    const labels = (r: Resource) => (r.meta?.security ?? []).map((s) => s.code);
    expect(labels((await server.http.get(`/fhir/MedicationRequest/${moud.body.id}`)).body)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R']));
    const naltrexone = await json(server.http.post('/fhir/MedicationRequest')).send(prescription(fx.patients[0], fx.programs.iop, '7243', 'naltrexone', '50 mg by mouth once daily'));
    expect(naltrexone.status).toBe(201);
    expect(labels((await server.http.get(`/fhir/MedicationRequest/${naltrexone.body.id}`)).body)).not.toContain('42CFRPart2');
  });

  test('the medication list (MedicationRequest and MedicationStatement) is in Patient/$everything', async () => {
    const statement = await json(server.http.post('/fhir/MedicationStatement')).send({
      resourceType: 'MedicationStatement', status: 'active', extension: [programExtension(fx.programs.iop)], subject: { reference: `Patient/${fx.patients[0]}` },
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '5553', display: 'hydroxyzine' }] }, dosage: [{ text: '25 mg at night as needed for anxiety' }],
    });
    expect(statement.status).toBe(201);
    const everything = await server.http.get(`/fhir/Patient/${fx.patients[0]}/$everything`);
    expect(everything.status).toBe(200);
    const types = ((everything.body as Bundle).entry ?? []).map((e) => e.resource!.resourceType);
    expect(types.filter((t) => t === 'MedicationRequest')).toHaveLength(3);
    expect(types).toContain('MedicationStatement');
  });
});

describe('side effects and the medication-management note', () => {
  test('side effects are structured Observations; a severity outside the value set is refused', async () => {
    const observation = (severity: string): Observation => ({
      resourceType: 'Observation', meta: { profile: [`${IOP}/StructureDefinition/iop-side-effect-observation`] }, status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: { coding: [{ system: `${IOP}/CodeSystem/medication-side-effect`, code: 'sedation' }] },
      subject: { reference: `Patient/${fx.patients[0]}` }, effectiveDateTime: TEST_NOW.toISOString(),
      valueCodeableConcept: { coding: [{ system: `${IOP}/CodeSystem/side-effect-severity`, code: severity }] },
    });
    expect((await json(server.http.post('/fhir/Observation')).send(observation('mild'))).status).toBe(201);
    const bad = await json(server.http.post('/fhir/Observation')).send(observation('unbearable'));
    expect(bad.status).toBe(422);
    expect(await searchResources<Observation>(server, `Observation?patient=Patient/${fx.patients[0]}&code=${IOP}/CodeSystem/medication-side-effect|sedation`)).toHaveLength(1);
  });

  test('a medication-management note bills the selected E/M level with the psychotherapy add-on', async () => {
    const [episode] = await searchResources(server, `EpisodeOfCare?patient=Patient/${fx.patients[0]}`);
    const start = new Date(TEST_NOW.getTime() - 3 * 3_600_000);
    const encounter = await json(server.http.post('/fhir/Encounter')).send({
      resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      serviceType: { coding: [{ system: SESSION_TYPE, code: 'medication-management' }] }, subject: { reference: `Patient/${fx.patients[0]}` },
      episodeOfCare: [{ reference: `EpisodeOfCare/${episode.id}` }], extension: [programExtension(fx.programs.iop)],
      participant: [{ individual: { reference: `Practitioner/${fx.practitioners[2]}` } }],
      period: { start: start.toISOString(), end: new Date(start.getTime() + 30 * 60_000).toISOString() },
    });
    expect(encounter.status).toBe(201);
    const answers = (emLevel?: string) => ({
      resourceType: 'QuestionnaireResponse', questionnaire: `${IOP}/Questionnaire/medication-management-note`, status: 'completed',
      subject: { reference: `Patient/${fx.patients[0]}` }, authored: TEST_NOW.toISOString(),
      item: [
        { linkId: 'visit', item: [
          { linkId: 'visit.minutes', answer: [{ valueInteger: 30 }] },
          { linkId: 'visit.reviewed', answer: [{ valueBoolean: true }] },
          { linkId: 'visit.adherence', answer: [{ valueCoding: { system: `${IOP}/CodeSystem/medication-adherence`, code: 'full' } }] },
          { linkId: 'visit.side-effects', answer: [{ valueBoolean: true }] },
          { linkId: 'visit.side-effects-details', answer: [{ valueString: 'Mild daytime sedation' }] },
          { linkId: 'visit.target-symptoms', answer: [{ valueString: 'Mood improving, sleep better' }] },
          ...(emLevel ? [{ linkId: 'visit.em-level', answer: [{ valueCoding: { system: 'http://www.ama-assn.org/go/cpt', code: emLevel } }] }] : []),
          { linkId: 'visit.psychotherapy-minutes', answer: [{ valueInteger: 20 }] },
        ] },
        { linkId: 'assessment.risk', item: [{ linkId: 'assessment.risk.level', answer: [{ valueCoding: { system: `${IOP}/CodeSystem/risk-level`, code: 'low' } }] }] },
        { linkId: 'plan', item: [{ linkId: 'plan.changes', answer: [{ valueString: 'Continue sertraline 50 mg' }] }] },
      ],
    });
    const unleveled = await json(server.http.post(`/fhir/Encounter/${encounter.body.id}/$document-session`)).send(answers());
    expect(unleveled.status).toBe(400);
    expect(JSON.stringify(unleveled.body)).toContain('visit.em-level');
    const documented = await json(server.http.post(`/fhir/Encounter/${encounter.body.id}/$document-session`)).send(answers('99214'));
    expect(documented.status).toBe(200);
    const note = output(documented.body, 'note')!.valueReference!.reference!;
    expect(((await server.http.get(`/fhir/${note}`)).body as Composition).category?.[0].coding?.[0].code).toBe('medication-management-note');
    const signed = await invoke(server, `${note}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[2]}` } }));
    expect(signed.status).toBe(200);
    const claims = await searchResources<Claim>(server, `Claim?patient=Patient/${fx.patients[0]}`);
    expect(claims.flatMap((c) => c.item ?? []).map((i) => i.productOrService.coding?.[0].code)).toEqual(['99214', '90833']);
  });
});
