/**
 * 42 CFR Part 2 (docs/part2.md): labels applied on write by every path, Consents read into rules (and refused when
 * malformed), and a payer's backend client that sees a patient's SUD records only while a matching consent is active.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { registerClient } from '../../server/src/auth/clients';
import { createRepository } from '../../server/src/create-repository';
import { runRelabelBatch, startRelabelWorker, stopRelabelWorker } from '../../server/src/jobs/part2-relabel';
import { authServerOf } from '../support/auth-tokens';
import { jwksOf, makeKey, signAssertion } from '../support/auth-keys';
import { createResource } from '../support/auth-fixtures';
import { codesOf, part2Consent } from '../support/part2-fixtures';
import { startTestServer, TestServer } from '../support/test-server';

const IOP = 'http://iop-fhir.org/fhir';
const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
let server: TestServer;
const ids: Record<string, string> = {};


beforeAll(async () => {
  server = await startTestServer();
  ids.payer = await createResource(server, { resourceType: 'Organization', name: 'Acme Health Plan' });
  ids.hie = await createResource(server, { resourceType: 'Organization', name: 'State HIE' });
  ids.sud = await createResource(server, {
    resourceType: 'HealthcareService', name: 'SUD IOP', extension: [{ url: `${IOP}/StructureDefinition/part2-program`, valueBoolean: true }],
  });
  ids.mh = await createResource(server, { resourceType: 'HealthcareService', name: 'MH IOP' });
  ids.alice = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Part2', given: ['Alice'] }] });
  ids.bob = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Mh', given: ['Bob'] }] });
  const programExt = (service: string) => [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${service}` } }];
  ids.aliceEpisode = await createResource(server, { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${ids.alice}` }, extension: programExt(ids.sud) });
  ids.bobEpisode = await createResource(server, { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${ids.bob}` }, extension: programExt(ids.mh) });
  ids.aliceEncounter = await createResource(server, {
    resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${ids.alice}` }, episodeOfCare: [{ reference: `EpisodeOfCare/${ids.aliceEpisode}` }],
  });
  await registerClient(authServerOf(server.app).pool, {
    clientId: 'acme-payer', type: 'backend', scope: 'system/*.rs', jwks: jwksOf(makeKey('ES384')), organization: `Organization/${ids.payer}`, purposes: ['HPAYMT', 'HOPERAT'],
  });
}, 60_000);
afterAll(() => server.close());

describe('labels on write', () => {
  test('an enrolment in a Part 2 program, and what refers to it, carry 42CFRPart2, SUD and R', async () => {
    const episode = (await server.http.get(`/fhir/EpisodeOfCare/${ids.aliceEpisode}`).expect(200)).body;
    expect(codesOf(episode)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R']));
    const encounter = (await server.http.get(`/fhir/Encounter/${ids.aliceEncounter}`).expect(200)).body;
    expect(codesOf(encounter)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R']));
    const other = (await server.http.get(`/fhir/EpisodeOfCare/${ids.bobEpisode}`).expect(200)).body;
    expect(codesOf(other)).not.toContain('42CFRPart2');
    const patient = (await server.http.get(`/fhir/Patient/${ids.alice}`).expect(200)).body;
    expect(codesOf(patient)).not.toContain('42CFRPart2');
  });

  test('an SUD diagnosis is labelled wherever it is written; a client cannot remove the label, and its own labels stay', async () => {
    const condition = {
      resourceType: 'Condition', subject: { reference: `Patient/${ids.bob}` },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F10.239' }] },
      meta: { security: [{ system: ACT, code: 'HIV' }] },
    };
    const created = (await server.http.post('/fhir/Condition').send(condition).expect(201)).body;
    expect(codesOf(created)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R', 'HIV']));
    const stripped = (await server.http.put(`/fhir/Condition/${created.id}`).send({ ...created, meta: undefined }).expect(200)).body;
    expect(codesOf(stripped)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R']));
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Claim' }, resource: {
      resourceType: 'Claim', status: 'active', use: 'claim', created: '2026-11-02', patient: { reference: `Patient/${ids.alice}` },
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
      provider: { reference: `Organization/${ids.hie}` }, priority: { coding: [{ code: 'normal' }] },
      insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme' } }],
      item: [{ sequence: 1, productOrService: { coding: [{ code: 'H0015' }] }, encounter: [{ reference: `Encounter/${ids.aliceEncounter}` }] }],
    } as Resource }] };
    const response = (await server.http.post('/fhir').send(bundle).expect(200)).body as Bundle;
    ids.aliceClaim = response.entry![0].response!.location!.split('/')[1];
    const claim = (await server.http.get(`/fhir/Claim/${ids.aliceClaim}`).expect(200)).body;
    expect(codesOf(claim)).toContain('42CFRPart2');
  });
});

describe('labels by enrolment', () => {
  test('a record naming no care context is labelled while its patient is enrolled in a Part 2 program; one naming another program\'s encounter is not', async () => {
    const score = (patient: string, extra: object = {}) => ({
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
      subject: { reference: `Patient/${patient}` }, effectiveDateTime: '2026-11-02T14:30:00Z', valueInteger: 12, ...extra,
    });
    const sudScore = (await server.http.post('/fhir/Observation').send(score(ids.alice)).expect(201)).body;
    expect(codesOf(sudScore)).toContain('42CFRPart2');
    const mhScore = (await server.http.post('/fhir/Observation').send(score(ids.bob)).expect(201)).body;
    expect(codesOf(mhScore)).not.toContain('42CFRPart2');
    // Alice is also seen in the MH program: what is recorded there, for that encounter, is not Part 2 information.
    const mhEpisode = await createResource(server, { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${ids.alice}` },
      extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${ids.mh}` } }] });
    const mhVisit = await createResource(server, { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'AMB' },
      subject: { reference: `Patient/${ids.alice}` }, episodeOfCare: [{ reference: `EpisodeOfCare/${mhEpisode}` }] });
    const inMh = (await server.http.post('/fhir/Observation').send(score(ids.alice, { encounter: { reference: `Encounter/${mhVisit}` } })).expect(201)).body;
    expect(codesOf(inMh)).not.toContain('42CFRPart2');
    // Her insurance is about her, not her treatment.
    const coverage = (await server.http.post('/fhir/Coverage').send({ resourceType: 'Coverage', status: 'active', beneficiary: { reference: `Patient/${ids.alice}` },
      payor: [{ reference: `Organization/${ids.payer}` }] }).expect(201)).body;
    expect(codesOf(coverage)).not.toContain('42CFRPart2');
  });
});

describe('consents', () => {
  test('a malformed Part 2 Consent is a 422 naming the element', async () => {
    const bad = part2Consent(ids.alice, 'Device/1', ['NOPE']);
    const res = await server.http.post('/fhir/Consent').send(bad).expect(422);
    const expressions = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(expressions).toEqual(expect.arrayContaining(['Consent.provision.actor[0].reference', 'Consent.provision.purpose[0]']));
  });

  test('a payer sees the SUD claim only while a consent for its organisation and purpose is active', async () => {
    const payer = await server.as('system/*.rs', { clientId: 'acme-payer' });
    const claimIds = async () => ((await payer.get(`/fhir/Claim?patient=${ids.alice}`).expect(200)).body as Bundle).entry?.map((e) => e.resource!.id) ?? [];
    expect(await claimIds()).toEqual([]);
    expect((await payer.get(`/fhir/Claim/${ids.aliceClaim}`)).status).toBe(404);
    const consentId = await createResource(server, part2Consent(ids.alice, `Organization/${ids.hie}`, ['HPAYMT']));
    expect(await claimIds()).toEqual([]); // another recipient
    const forPayer = await createResource(server, part2Consent(ids.alice, `Organization/${ids.payer}`, ['TREAT']));
    expect(await claimIds()).toEqual([]); // another purpose
    await server.http.put(`/fhir/Consent/${forPayer}`).send({ ...part2Consent(ids.alice, `Organization/${ids.payer}`, ['HPAYMT']), id: forPayer }).expect(200);
    expect(await claimIds()).toEqual([ids.aliceClaim]);
    const read = (await payer.get(`/fhir/Claim/${ids.aliceClaim}`).expect(200)).body;
    expect(codesOf(read)).toContain('NORDSCLCD');
    await server.http.put(`/fhir/Consent/${forPayer}`).send({ ...part2Consent(ids.alice, `Organization/${ids.payer}`, ['HPAYMT']), id: forPayer, status: 'inactive' }).expect(200);
    expect(await claimIds()).toEqual([]);
    expect(consentId).toBeTruthy();
  });
});

describe('who may change a consent', () => {
  test('a revoked consent cannot be made active again (a new one is signed); a family proxy may not write consents', async () => {
    const consent = part2Consent(ids.alice, `Organization/${ids.hie}`, ['TREAT']);
    const id = await createResource(server, consent);
    await server.http.put(`/fhir/Consent/${id}`).send({ ...consent, id, status: 'inactive' }).expect(200);
    const again = await server.http.put(`/fhir/Consent/${id}`).send({ ...consent, id, status: 'active' }).expect(422);
    expect(again.body.issue[0].expression).toEqual(['Consent.status']);
    const proxy = await createResource(server, { resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${ids.alice}` } });
    const family = await server.as('patient/*.cruds', { fhirUser: `RelatedPerson/${proxy}`, patient: ids.alice });
    expect((await family.get(`/fhir/Consent/${id}`)).status).toBe(200);
    const refused = await family.put(`/fhir/Consent/${id}`).send({ ...consent, id, status: 'rejected' }).expect(403);
    expect(refused.body.issue[0].diagnostics).toMatch(/Only the patient, their care team and administrators may write consents/);
    await family.post('/fhir/Consent').send(part2Consent(ids.alice, `Organization/${ids.payer}`, ['HMARKT'])).expect(403);
    const patient = await server.as('patient/*.cruds', { fhirUser: `Patient/${ids.alice}`, patient: ids.alice });
    await patient.post('/fhir/Consent').send(part2Consent(ids.alice, `Organization/${ids.hie}`, ['TREAT'])).expect(201);
  });
});

describe('relabelling when the rules change', () => {
  const enrolledIn = async (program: string) => {
    const patient = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Later' }] });
    const episode = await createResource(server, {
      resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${patient}` },
      extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${program}` } }],
    });
    const encounter = await createResource(server, {
      resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'AMB' },
      subject: { reference: `Patient/${patient}` }, episodeOfCare: [{ reference: `EpisodeOfCare/${episode}` }],
    });
    expect(codesOf((await server.http.get(`/fhir/Encounter/${encounter}`).expect(200)).body)).not.toContain('42CFRPart2');
    return [`EpisodeOfCare/${episode}`, `Encounter/${encounter}`];
  };
  const expectRelabelled = async (paths: string[]) => {
    for (const path of paths) {
      const labelled = (await server.http.get(`/fhir/${path}`).expect(200)).body;
      expect([path, codesOf(labelled)]).toEqual([path, expect.arrayContaining(['42CFRPart2', 'SUD', 'R'])]);
      expect(labelled.meta.versionId).toBe('2');
    }
  };
  const flag = [{ url: `${IOP}/StructureDefinition/part2-program`, valueBoolean: true }];

  test('flagging a program as Part 2 queues a job that labels what was written before', async () => {
    const program = await createResource(server, { resourceType: 'HealthcareService', name: 'Recovery group (not yet Part 2)' });
    const paths = await enrolledIn(program);
    const service = (await server.http.get(`/fhir/HealthcareService/${program}`).expect(200)).body;
    await server.http.put(`/fhir/HealthcareService/${program}`).send({ ...service, extension: flag }).expect(200);
    const [job] = (await server.pool.query(`SELECT reason FROM part2_relabel_job ORDER BY id DESC LIMIT 1`)).rows;
    expect(job.reason).toContain(`HealthcareService/${program} version 2`);
    const worker = startRelabelWorker(createRepository(server.pool), 60_000);
    await worker.drain();
    await worker.stop();
    await expectRelabelled(paths);
    const payer = await server.as('system/*.rs', { clientId: 'acme-payer' });
    expect((await payer.get(`/fhir/${paths[1]}`)).status).toBe(404);
  });

  test('a job is resumable: one batch records where it stopped, and another worker finishes it', async () => {
    await stopRelabelWorker();
    const program = await createResource(server, { resourceType: 'HealthcareService', name: 'Aftercare (not yet Part 2)' });
    const paths = await enrolledIn(program);
    await stopRelabelWorker(); // only the batches below run
    // The rules change without a write (e.g. a process that died before its job row was written): queue by hand.
    await server.pool.query(`UPDATE resource SET content = jsonb_set(content, '{extension}', $2::jsonb) WHERE resource_type = 'HealthcareService' AND id = $1`,
      [program, JSON.stringify(flag)]);
    const [job] = (await server.pool.query(`INSERT INTO part2_relabel_job (fingerprint, reason) VALUES ('test', 'test') RETURNING id`)).rows;
    const first = await runRelabelBatch(createRepository(server.pool), 3);
    expect(first).toEqual({ jobId: String(job.id), relabelled: expect.any(Number) });
    const resumed = (await server.pool.query(`SELECT last_res_id, status FROM part2_relabel_job WHERE id = $1`, [job.id])).rows[0];
    expect([Number(resumed.last_res_id) > 0, resumed.status]).toEqual([true, 'running']);
    const other = startRelabelWorker(createRepository(server.pool), 60_000);
    await other.drain();
    await other.stop();
    expect((await server.pool.query(`SELECT status FROM part2_relabel_job WHERE id = $1`, [job.id])).rows[0].status).toBe('done');
    await expectRelabelled(paths);
  });
});

describe('who is asking, and why', () => {
  const TOKEN_URL = 'http://localhost:8080/auth/token';
  const key = makeKey('ES384');
  const tokenFor = (claims?: Record<string, unknown>) => server.http.post('/auth/token').type('form').set('Accept', 'application/json').send({
    scope: 'system/*.rs', grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: signAssertion(key, 'udap-payer', TOKEN_URL, { claims }),
  });
  /** The purpose recorded for the token: the jti in its payload names its row. */
  const purposeOf = async (accessToken: string) => {
    const { jti } = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { jti: string };
    return (await server.pool.query('SELECT purpose FROM auth_token WHERE jti = $1', [jti])).rows[0].purpose as string | null;
  };

  beforeAll(async () => {
    await registerClient(authServerOf(server.app).pool, {
      clientId: 'udap-payer', type: 'backend', scope: 'system/*.rs', jwks: jwksOf(key), organization: `Organization/${ids.payer}`, purposes: ['HOPERAT', 'HPAYMT'],
    });
  });

  test('the UDAP B2B purpose_of_use narrows the purpose to a registered one; otherwise the first registered applies', async () => {
    const plain = await tokenFor().expect(200);
    expect(await purposeOf(plain.body.access_token)).toBe('HOPERAT');
    const narrowed = await tokenFor({ extensions: { 'hl7-b2b': { version: '1', purpose_of_use: ['urn:oid:2.16.840.1.113883.5.8#HPAYMT'] } } }).expect(200);
    expect(await purposeOf(narrowed.body.access_token)).toBe('HPAYMT');
    const unregistered = await tokenFor({ extensions: { 'hl7-b2b': { purpose_of_use: ['TREAT'] } } }).expect(400);
    expect(unregistered.body.error).toBe('invalid_grant');
    expect(unregistered.body.error_description).toMatch(/TREAT is not registered/);
    const unknown = await tokenFor({ extensions: { 'hl7-b2b': { purpose_of_use: ['urn:oid:2.16.840.1.113883.5.8#NOPE'] } } }).expect(400);
    expect(unknown.body.error_description).toMatch(/not a v3 PurposeOfUse code/);
  });

  test('registration refuses an unknown organisation or purpose with a clear message', async () => {
    const pool = authServerOf(server.app).pool;
    const base = { type: 'backend' as const, scope: 'system/*.rs', jwks: jwksOf(makeKey('ES384')) };
    await expect(registerClient(pool, { ...base, clientId: 'bad-org', organization: 'Organization/nope' })).rejects.toThrow('unknown organization Organization/nope');
    await expect(registerClient(pool, { ...base, clientId: 'bad-org2', organization: 'Practitioner/1' })).rejects.toThrow(/organization must be a reference like Organization\/123/);
    await expect(registerClient(pool, { ...base, clientId: 'bad-purpose', purposes: ['PAYMENT'] })).rejects.toThrow(/unknown purpose of use "PAYMENT"/);
  });
});
