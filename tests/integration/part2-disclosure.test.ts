/**
 * 42 CFR Part 2 requesters and what goes with a disclosure (docs/part2.md): the program's staff read without a
 * consent, other staff do not; a payer with a consent gets labelled copies, the §2.32 notice and an entry in the
 * patient's accounting of disclosures; emergency access (break-glass) is time-limited, audited and flagged; and an
 * export stops carrying a patient's records once the consent is revoked.
 */
import type { Bundle, Parameters } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { downloadAll, exportAs, ExportManifest } from '../support/bulk-export-client';
import { codesOf, createPart2Clinic, Part2Clinic, part2Consent } from '../support/part2-fixtures';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Part2Clinic;

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createPart2Clinic(server);
}, 60_000);
afterAll(() => server.close());

const idsOf = (bundle: Bundle, type?: string) => (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome')
  .map((e) => e.resource!).filter((r) => !type || r.resourceType === type).map((r) => r.id);

describe('users', () => {
  test('the Part 2 program\'s staff read its patients\' records for treatment without a consent; copies are not disclosures', async () => {
    const counselor = await server.as('user/*.rs', { fhirUser: `Practitioner/${clinic.sudCounselor}` });
    const claims = (await counselor.get(`/fhir/Claim?patient=${clinic.sudPatient}`).expect(200)).body as Bundle;
    expect(idsOf(claims)).toEqual([clinic.sud.claim]);
    expect(codesOf(claims.entry![0].resource)).not.toContain('NORDSCLCD');
    const res = await counselor.get(`/fhir/Condition/${clinic.sud.condition}`).expect(200);
    expect(res.headers['x-42cfr-part2-notice']).toBeUndefined();
  });

  test('staff of another program, even of the same organisation, see the patient but none of the Part 2 records', async () => {
    await createResource(server, {
      resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${clinic.mhTherapist}` },
      healthcareService: [{ reference: `HealthcareService/${clinic.mhProgram}` }],
    });
    // The MH therapist also manages the SUD patient's care (a non-Part 2 link) and so reaches the patient.
    await createResource(server, {
      resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${clinic.sudPatient}` },
      careManager: { reference: `Practitioner/${clinic.mhTherapist}` },
    });
    const therapist = await server.as('user/*.rs', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    expect((await therapist.get(`/fhir/Patient/${clinic.sudPatient}`)).status).toBe(200);
    const everything = (await therapist.get(`/fhir/Patient/${clinic.sudPatient}/$everything`).expect(200)).body as Bundle;
    const types = (everything.entry ?? []).map((e) => e.resource!.resourceType);
    expect(types).toContain('Patient');
    expect(types).not.toContain('Claim');
    expect(types).not.toContain('Condition');
    expect((await therapist.get(`/fhir/Encounter/${clinic.sud.encounter}`)).status).toBe(404);
  });

  test('break-glass: emergency access for a limited time, audited as its own event, with a Flag and a review Task', async () => {
    const therapist = await server.as('user/*.rs', { fhirUser: `Practitioner/${clinic.mhTherapist}` });
    await therapist.post(`/fhir/Patient/${clinic.sudPatient}/$break-glass`).send({ resourceType: 'Parameters', parameter: [] }).expect(400);
    const res = await therapist.post(`/fhir/Patient/${clinic.sudPatient}/$break-glass`)
      .send({ resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: 'Unresponsive in the ED, suspected overdose' }, { name: 'minutes', valueInteger: 30 }] })
      .expect(200);
    const out = res.body as Parameters;
    const expires = Date.parse(out.parameter!.find((p) => p.name === 'expires')!.valueInstant!);
    expect(expires - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    const condition = await therapist.get(`/fhir/Condition/${clinic.sud.condition}`).expect(200);
    expect(codesOf(condition.body)).toContain('NORDSCLCD');
    expect(condition.headers['x-42cfr-part2-notice']).toMatch(/42 CFR part 2/);
    const flag = out.parameter!.find((p) => p.name === 'flag')!.valueReference!.reference!;
    const task = (await server.http.get(`/fhir/${out.parameter!.find((p) => p.name === 'task')!.valueReference!.reference}`).expect(200)).body;
    expect(task.focus.reference).toBe(flag);
    expect(task.owner.reference).toBe(`HealthcareService/${clinic.sudProgram}`);
    const audits = (await server.http.get('/fhir/AuditEvent?_count=200').expect(200)).body as Bundle;
    const alert = (audits.entry ?? []).map((e) => e.resource as { type?: { code?: string }; purposeOfEvent?: { coding?: { code?: string }[] }[] })
      .find((a) => a.type?.code === '110113');
    expect(alert?.purposeOfEvent?.[0].coding?.[0].code).toBe('ETREAT');
    // Once expired, the records are withheld again (the access is in the database: every process agrees).
    await server.pool.query(`UPDATE part2_break_glass SET expires_at = now() - interval '1 second' WHERE patient_id = $1`, [clinic.sudPatient]);
    expect((await therapist.get(`/fhir/Condition/${clinic.sud.condition}`)).status).toBe(404);
    // A patient user cannot break the glass.
    const patient = await server.as('patient/*.rs', { fhirUser: `Patient/${clinic.mhPatient}`, patient: clinic.mhPatient });
    await patient.post(`/fhir/Patient/${clinic.sudPatient}/$break-glass`).send({ resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: 'x' }] }).expect(403);
  });

  test('the patient always sees their own records, unlabelled as a disclosure', async () => {
    const patient = await server.as('patient/*.rs', { fhirUser: `Patient/${clinic.sudPatient}`, patient: clinic.sudPatient });
    const claims = (await patient.get('/fhir/Claim').expect(200)).body as Bundle;
    expect(idsOf(claims)).toEqual([clinic.sud.claim]);
    expect(codesOf(claims.entry![0].resource)).not.toContain('NORDSCLCD');
  });
});

describe('a payer under consent', () => {
  let consent: string;
  beforeAll(async () => {
    consent = await createResource(server, part2Consent(clinic.sudPatient, `Organization/${clinic.payer}`, ['HPAYMT']));
  });

  test('search results carry NORDSCLCD on each Part 2 copy and the §2.32 notice; the disclosure is accounted', async () => {
    const payer = await server.as('system/*.rs', { clientId: clinic.payerClient });
    const res = await payer.get(`/fhir/Claim?patient=${clinic.sudPatient}&_include=Claim:encounter`).expect(200);
    const bundle = res.body as Bundle;
    expect(idsOf(bundle, 'Claim')).toEqual([clinic.sud.claim]);
    for (const entry of bundle.entry!.filter((e) => e.search?.mode !== 'outcome')) expect(codesOf(entry.resource)).toContain('NORDSCLCD');
    const notice = bundle.entry!.find((e) => e.search?.mode === 'outcome')!.resource as { issue: { diagnostics: string }[] };
    expect(notice.issue[0].diagnostics).toMatch(/^This record which has been disclosed to you is protected by Federal confidentiality rules \(42 CFR part 2\)/);
    expect(res.headers['x-42cfr-part2-notice']).toBe('42 CFR part 2 prohibits unauthorized use or disclosure of these records.');
    const mine = await server.as('patient/*.rs', { fhirUser: `Patient/${clinic.sudPatient}`, patient: clinic.sudPatient });
    const accounting = (await mine.get(`/fhir/Patient/${clinic.sudPatient}/$disclosures`).expect(200)).body as Parameters;
    const rows = accounting.parameter!.filter((p) => p.name === 'disclosure');
    const toPayer = rows.find((d) => d.part!.some((p) => p.name === 'recipient' && p.valueString === `Organization/${clinic.payer}`))!;
    const part = (name: string) => toPayer.part!.filter((p) => p.name === name);
    expect(part('purpose')[0].valueCoding!.code).toBe('HPAYMT');
    expect(part('basis')[0].valueCode).toBe('consent');
    expect(part('consent')[0].valueReference!.reference).toBe(`Consent/${consent}`);
    expect(part('resource').map((p) => p.valueReference!.reference)).toEqual(expect.arrayContaining([`Claim/${clinic.sud.claim}`, `Encounter/${clinic.sud.encounter}`]));
    // The payer's accesses are audited with the purpose its token was issued for.
    const audits = ((await server.http.get('/fhir/AuditEvent?_count=500').expect(200)).body as Bundle).entry!.map((e) => e.resource as { purposeOfEvent?: { coding?: { code?: string }[] }[]; agent?: { who?: { identifier?: { value?: string } } }[] });
    const payerAudits = audits.filter((a) => JSON.stringify(a.agent).includes(clinic.payerClient));
    expect(payerAudits.length).toBeGreaterThan(0);
    expect(payerAudits.every((a) => a.purposeOfEvent?.[0].coding?.[0].code === 'HPAYMT')).toBe(true);
    // Nobody else's accounting, and not to a clinician.
    await mine.get(`/fhir/Patient/${clinic.mhPatient}/$disclosures`).expect(404);
    const counselor = await server.as('user/*.rs', { fhirUser: `Practitioner/${clinic.sudCounselor}` });
    await counselor.get(`/fhir/Patient/${clinic.sudPatient}/$disclosures`).expect(403);
  });

  test('a revoked consent stops an export from carrying the patient\'s records, also one already written', async () => {
    const payer = await server.as('system/*.rs', { clientId: clinic.payerClient });
    const exportClaims = () => exportAs(payer, '/fhir/Patient/$export?_type=Claim');
    const lines = (manifest: ExportManifest) => downloadAll(payer, manifest);
    const before = await exportClaims();
    expect(before.extension?.['http://iop-fhir.org/fhir/StructureDefinition/part2-notice']).toMatch(/42 CFR part 2/);
    const written = await lines(before);
    expect(written.map((r) => r.id)).toContain(clinic.sud.claim);
    expect(written.map((r) => r.id)).toContain(clinic.mh.claim);
    expect(written.find((r) => r.id === clinic.sud.claim)!.meta!.security!.map((c) => c.code)).toContain('NORDSCLCD');
    await server.http.put(`/fhir/Consent/${consent}`).send({ ...part2Consent(clinic.sudPatient, `Organization/${clinic.payer}`, ['HPAYMT']), id: consent, status: 'inactive' }).expect(200);
    expect((await lines(before)).map((r) => r.id)).toEqual([clinic.mh.claim]); // the finished export, downloaded again
    const after = await exportClaims(); // a new export after the revocation
    expect((await lines(after)).map((r) => r.id)).toEqual([clinic.mh.claim]);
  });
});

describe('the accounting of disclosures and a family member (RelatedPerson)', () => {
  const linkedPerson = async (patient: string, active = true) => createResource(server, {
    resourceType: 'RelatedPerson', active, patient: { reference: `Patient/${patient}` }, name: [{ given: ['Lena'], family: 'Marsh' }],
  });
  const asProxy = (person: string) => server.as('patient/*.rs', { fhirUser: `RelatedPerson/${person}`, patient: clinic.sudPatient });
  const accountingPath = () => `/fhir/Patient/${clinic.sudPatient}/$disclosures`;

  test('is refused to a family member the patient\'s consent does not name as representative, also one named only to receive records (FAMRQT)', async () => {
    const person = await linkedPerson(clinic.sudPatient);
    const proxy = await asProxy(person);
    const refused = await proxy.get(accountingPath()).expect(403);
    expect(refused.body.issue[0].diagnostics).toMatch(/representative named in their consent \(power of attorney\)/);
    await createResource(server, part2Consent(clinic.sudPatient, `RelatedPerson/${person}`, ['FAMRQT']));
    await proxy.get(accountingPath()).expect(403);
  });

  test('is given to the representative an active consent names for power of attorney (PWATRNY), while it is in force', async () => {
    const person = await linkedPerson(clinic.sudPatient);
    const proxy = await asProxy(person);
    const consent = await createResource(server, part2Consent(clinic.sudPatient, `RelatedPerson/${person}`, ['PWATRNY']));
    const accounting = (await proxy.get(accountingPath()).expect(200)).body as Parameters;
    expect(accounting.resourceType).toBe('Parameters');
    // Revoked (inactive), or with a period that has ended: refused again.
    const stored = (await server.http.get(`/fhir/Consent/${consent}`).expect(200)).body;
    await server.http.put(`/fhir/Consent/${consent}`).send({ ...stored, provision: { ...stored.provision, period: { start: '2026-01-01', end: '2026-01-31' } } }).expect(200);
    await proxy.get(accountingPath()).expect(403);
    const ended = (await server.http.get(`/fhir/Consent/${consent}`).expect(200)).body;
    const { period: _period, ...provision } = ended.provision;
    await server.http.put(`/fhir/Consent/${consent}`).send({ ...ended, status: 'inactive', provision }).expect(200);
    await proxy.get(accountingPath()).expect(403);
  });

  test('is refused when the named person is no longer linked (inactive) or is linked to another patient', async () => {
    const unlinked = await linkedPerson(clinic.sudPatient, false);
    await createResource(server, part2Consent(clinic.sudPatient, `RelatedPerson/${unlinked}`, ['PWATRNY']));
    await (await asProxy(unlinked)).get(accountingPath()).expect(403);
    const elsewhere = await linkedPerson(clinic.mhPatient);
    await createResource(server, part2Consent(clinic.sudPatient, `RelatedPerson/${elsewhere}`, ['PWATRNY']));
    const res = await (await asProxy(elsewhere)).get(accountingPath());
    expect([403, 404]).toContain(res.status); // outside this person's reach the patient is not even found
  });
});
