/**
 * Patient/{id}/$summary (International Patient Summary) over real HTTP and PostgreSQL: the document's sections and
 * entries, emptyReason on empty sections, the same access as $everything (another patient's token, 42 CFR Part 2
 * records without a consent), the disclosure label with one, and a document our own validator accepts.
 */
import type { Bundle, Composition, CompositionSection, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { codesOf, createPart2Clinic, Part2Clinic, part2Consent } from '../support/part2-fixtures';
import { startTestServer, type TestServer } from '../support/test-server';

const LOINC = 'http://loinc.org';
const IOP = 'http://iop-fhir.org/fhir';
let server: TestServer;
let clinic: Part2Clinic;
const ids: Record<string, string> = {};

const score = (patient: string, code: string, date: string, value: number, extra: Partial<Resource> = {}): Resource => ({
  resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code }] }, subject: { reference: `Patient/${patient}` },
  effectiveDateTime: date, valueInteger: value, ...extra,
} as Resource);

beforeAll(async () => {
  server = await startTestServer();
  const create = (resource: Resource) => createResource(server, resource);
  ids.org = await create({ resourceType: 'Organization', name: 'Riverbend Summary Clinic' });
  ids.program = await create({ resourceType: 'HealthcareService', name: 'Adult MH IOP – morning', providedBy: { reference: `Organization/${ids.org}` } });
  ids.therapist = await create({ resourceType: 'Practitioner', name: [{ given: ['Maya'], family: 'Summary' }] });
  ids.A = await create({ resourceType: 'Patient', name: [{ given: ['Adelina'], family: 'Summary' }], managingOrganization: { reference: `Organization/${ids.org}` } });
  ids.B = await create({ resourceType: 'Patient', name: [{ family: 'Other' }] });
  const subject = { reference: `Patient/${ids.A}` };
  ids.condition = await create({
    resourceType: 'Condition', subject, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F33.1', display: 'Major depressive disorder, recurrent, moderate' }] },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, onsetDateTime: '2026-09-01',
  });
  ids.phq9a = await create(score(ids.A, '44261-6', '2026-10-01T10:00:00Z', 17));
  ids.phq9b = await create(score(ids.A, '44261-6', '2026-11-01T10:00:00Z', 9));
  ids.gad7 = await create(score(ids.A, '70274-6', '2026-10-01T10:00:00Z', 12));
  ids.weight = await create({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code: '29463-7' }] }, subject, valueQuantity: { value: 70, unit: 'kg' } });
  ids.goal = await create({
    resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'PHQ-9 below 10' }, subject, addresses: [{ reference: `Condition/${ids.condition}` }],
    target: [{ measure: { coding: [{ system: LOINC, code: '44261-6' }] }, detailQuantity: { value: 10, comparator: '<' } }],
  });
  ids.carePlan = await create({
    resourceType: 'CarePlan', status: 'active', intent: 'plan', title: 'IOP treatment plan', subject,
    addresses: [{ reference: `Condition/${ids.condition}` }], goal: [{ reference: `Goal/${ids.goal}` }],
  });
  ids.episode = await create({
    resourceType: 'EpisodeOfCare', status: 'active', patient: subject, managingOrganization: { reference: `Organization/${ids.org}` },
    period: { start: '2026-09-15' }, careManager: { reference: `Practitioner/${ids.therapist}` },
    extension: [
      { url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${ids.program}` } },
      { url: `${IOP}/StructureDefinition/level-of-care`, valueCodeableConcept: { coding: [{ system: `${IOP}/CodeSystem/mh-level-of-care`, code: 'mh-iop', display: 'Mental health intensive outpatient (IOP)' }] } },
    ],
  });
  await create(score(ids.B, '44261-6', '2026-10-01T10:00:00Z', 22));
  clinic = await createPart2Clinic(server);
  // A PHQ-9 taken in the SUD program: Part 2 information, since its Encounter belongs to the Part 2 episode.
  ids.sudPhq9 = await create(score(clinic.sudPatient, '44261-6', '2026-11-02T10:00:00Z', 14, { encounter: { reference: `Encounter/${clinic.sud.encounter}` } } as Partial<Resource>));
}, 60_000);

afterAll(() => server.close());

async function summary(patient: string, agent = server.http): Promise<Bundle> {
  return (await agent.get(`/fhir/Patient/${patient}/$summary`).expect(200)).body as Bundle;
}

const compositionOf = (bundle: Bundle) => bundle.entry![0].resource as Composition;
const sectionOf = (bundle: Bundle, code: string) => compositionOf(bundle).section!.find((s) => s.code!.coding![0].code === code) as CompositionSection;
const entriesOf = (section: CompositionSection) => (section.entry ?? []).map((e) => e.reference);

test('a document Bundle: Composition first, the IPS sections with their entries, and every referenced resource with a fullUrl', async () => {
  const bundle = await summary(ids.A);
  expect(bundle.type).toBe('document');
  expect(bundle.identifier).toEqual({ system: 'urn:ietf:rfc:3986', value: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/) });
  expect(Date.parse(bundle.timestamp!)).not.toBeNaN();
  const composition = compositionOf(bundle);
  expect(composition.type.coding![0]).toMatchObject({ system: LOINC, code: '60591-5' });
  expect(composition.subject!.reference).toBe(`Patient/${ids.A}`);
  expect(composition.author).toEqual([{ reference: `Organization/${ids.org}` }]);
  expect(composition.section!.map((s) => s.code!.coding![0].code)).toEqual(['11450-4', '10160-0', '48765-2', '30954-2', '18776-5', 'program-episodes', '85847-2']);
  expect(entriesOf(sectionOf(bundle, '11450-4'))).toEqual([`Condition/${ids.condition}`]);
  // Scores oldest first; the weight is no PHQ-9/GAD-7 score and stays out.
  const scores = entriesOf(sectionOf(bundle, '30954-2'));
  expect(scores.slice(0, 2).sort()).toEqual([`Observation/${ids.gad7}`, `Observation/${ids.phq9a}`].sort());
  expect(scores[2]).toBe(`Observation/${ids.phq9b}`);
  expect(scores).toHaveLength(3);
  expect(entriesOf(sectionOf(bundle, '18776-5')).sort()).toEqual([`CarePlan/${ids.carePlan}`, `Goal/${ids.goal}`].sort());
  expect(entriesOf(sectionOf(bundle, 'program-episodes'))).toEqual([`EpisodeOfCare/${ids.episode}`]);
  // The enrolment's CareTeam (kept by the server, issue 15) next to the episode's care manager.
  expect(entriesOf(sectionOf(bundle, '85847-2')).map((r) => r?.replace(/^CareTeam\/.*/, 'CareTeam'))).toEqual(['CareTeam', `Practitioner/${ids.therapist}`]);
  const episodes = sectionOf(bundle, 'program-episodes');
  expect(episodes.text!.div).toContain('Adult MH IOP – morning');
  expect(episodes.text!.div).toContain('Mental health intensive outpatient (IOP)');
  expect(sectionOf(bundle, '30954-2').text!.div).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">.*17.*<\/div>$/);

  const fullUrls = bundle.entry!.map((e) => e.fullUrl);
  expect(new Set(fullUrls).size).toBe(fullUrls.length);
  const present = bundle.entry!.slice(1).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
  for (const e of bundle.entry!.slice(1)) expect(e.fullUrl).toBe(`http://localhost:8080/fhir/${e.resource!.resourceType}/${e.resource!.id}`);
  const referenced = composition.section!.flatMap(entriesOf);
  for (const ref of [...referenced, `Patient/${ids.A}`, `Organization/${ids.org}`]) expect(present).toContain(ref);
  expect(present).not.toContain(`Observation/${ids.weight}`);
  expect(JSON.stringify(bundle)).not.toContain(ids.B);
});

test('empty sections have an emptyReason, a narrative and no entries', async () => {
  const bundle = await summary(ids.A);
  for (const code of ['10160-0', '48765-2']) {
    const section = sectionOf(bundle, code);
    expect(section.entry).toBeUndefined();
    expect(section.emptyReason!.coding![0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' });
    expect(section.text!.div).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml"><p>.+<\/p><\/div>$/);
  }
});

test('our own validator accepts the document', async () => {
  const bundle = await summary(ids.A);
  const res = await server.http.post('/fhir/Bundle/$validate').send(bundle).expect(200);
  const errors = (res.body as OperationOutcome).issue.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  expect(errors).toEqual([]);
  // The validator does check documents: the same one with a broken section is refused.
  const broken = structuredClone(bundle);
  (broken.entry![0].resource as Composition).section![1].entry = [{ reference: 'Condition/x' }];
  const refused = await server.http.post('/fhir/Bundle/$validate').send(broken);
  expect(JSON.stringify(refused.body)).toMatch(/"severity":"error"/);
});

test("a patient's token gets their own summary and a 404 for anyone else's, as with $everything", async () => {
  const patientA = await server.as('patient/*.rs', { fhirUser: `Patient/${ids.A}`, patient: ids.A });
  const own = await summary(ids.A, patientA);
  expect(entriesOf(sectionOf(own, '11450-4'))).toEqual([`Condition/${ids.condition}`]);
  const refused = await patientA.get(`/fhir/Patient/${ids.B}/$summary`).expect(404);
  expect(refused.body.resourceType).toBe('OperationOutcome');
  await patientA.post(`/fhir/Patient/${ids.B}/$summary`).send({ resourceType: 'Parameters' }).expect(404);
  const posted = (await patientA.post(`/fhir/Patient/${ids.A}/$summary`).send({ resourceType: 'Parameters' }).expect(200)).body as Bundle;
  expect(posted.type).toBe('document');
  await server.http.get('/fhir/Patient/no-such-patient/$summary').expect(404);
  await server.anonymous.get(`/fhir/Patient/${ids.A}/$summary`).expect(401);
});

test('a payer without a consent gets a summary with none of the Part 2 records, and nothing that hints at them', async () => {
  const payer = await server.as('system/*.rs', { clientId: clinic.payerClient });
  const bundle = await summary(clinic.sudPatient, payer);
  for (const code of ['11450-4', '30954-2', 'program-episodes']) expect(sectionOf(bundle, code).emptyReason).toBeDefined();
  const text = JSON.stringify(bundle);
  for (const hidden of [clinic.sud.condition, clinic.sud.episode, ids.sudPhq9, 'F10.20', clinic.sudProgram, '42CFRPart2']) expect(text).not.toContain(hidden);
  // The same section reads exactly as for a patient who has no such records at all.
  const none = await summary(clinic.mhPatient, payer);
  expect(sectionOf(bundle, '11450-4')).toEqual(sectionOf(none, '11450-4'));
});

test('the Part 2 program\'s counselor sees them unlabelled; a consented payer gets them labelled NORDSCLCD with the notice', async () => {
  const counselor = await server.as('user/*.rs', { fhirUser: `Practitioner/${clinic.sudCounselor}` });
  const own = await summary(clinic.sudPatient, counselor);
  expect(entriesOf(sectionOf(own, '11450-4'))).toEqual([`Condition/${clinic.sud.condition}`]);
  expect(entriesOf(sectionOf(own, '30954-2'))).toEqual([`Observation/${ids.sudPhq9}`]);
  expect(codesOf(own.entry!.find((e) => e.resource!.id === clinic.sud.condition)!.resource)).not.toContain('NORDSCLCD');
  // The document is as sensitive as what it lists.
  expect(codesOf(compositionOf(own))).toContain('42CFRPart2');

  await createResource(server, part2Consent(clinic.sudPatient, `Organization/${clinic.payer}`, ['HPAYMT']));
  const payer = await server.as('system/*.rs', { clientId: clinic.payerClient });
  const res = await payer.get(`/fhir/Patient/${clinic.sudPatient}/$summary`).expect(200);
  const bundle = res.body as Bundle;
  expect(entriesOf(sectionOf(bundle, '11450-4'))).toEqual([`Condition/${clinic.sud.condition}`]);
  for (const id of [clinic.sud.condition, clinic.sud.episode, ids.sudPhq9]) {
    expect(codesOf(bundle.entry!.find((e) => e.resource!.id === id)!.resource)).toContain('NORDSCLCD');
  }
  expect(res.headers['x-42cfr-part2-notice']).toMatch(/42 CFR part 2/);
});

test('the CapabilityStatement lists $summary on Patient with its OperationDefinition', async () => {
  const statement = (await server.anonymous.get('/fhir/metadata').expect(200)).body as { rest: { resource: { type: string; operation?: { name: string; definition: string }[] }[] }[] };
  const patient = statement.rest[0].resource.find((r) => r.type === 'Patient')!;
  expect(patient.operation).toEqual(expect.arrayContaining([{ name: 'summary', definition: 'http://iop-fhir.org/fhir/OperationDefinition/summary' }]));
});
