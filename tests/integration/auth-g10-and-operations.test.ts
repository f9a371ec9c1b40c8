/**
 * The remaining checklist items (docs/auth.md "Conformance checklist"): the exact scope lists the ONC (g)(10) kit
 * requests (D.0) are granted in the form D.5.5 requires and the first US Core search of each type answers (D.5.7);
 * and the leak suite's operation paths: IOP operations and instance operations aimed at another patient's
 * resources return or write nothing of theirs.
 */
import type { EpisodeOfCare } from '@medplum/fhirtypes';
import { exchangeCode, runBrowserFlow } from '../support/auth-browser';
import { APP_REDIRECT, Clinic, createClinic, PASSWORD } from '../support/auth-fixtures';
import { startTestServer, TestServer } from '../support/test-server';
import { createFixture, dayFromToday, Fixture, params, searchResources } from './iop-fixtures';

let server: TestServer;
let clinic: Clinic;
beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
}, 120_000);
afterAll(() => server.close());

/** D.0: the g10 standalone patient scopes (SMART v2), as scope_constants.rb lists them. */
const G10_TYPES = ['Medication', 'AllergyIntolerance', 'CarePlan', 'CareTeam', 'Condition', 'Coverage', 'Device', 'DiagnosticReport',
  'DocumentReference', 'Encounter', 'Goal', 'Immunization', 'Location', 'MedicationDispense', 'MedicationRequest', 'Observation',
  'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'Procedure', 'Provenance', 'QuestionnaireResponse', 'RelatedPerson',
  'ServiceRequest', 'Specimen'];
const g10Scopes = (suffix: string) => `launch/patient openid fhirUser offline_access ${G10_TYPES.map((t) => `patient/${t}.${suffix}`).join(' ')}`;
/** D.5.5: patient/<Type|*>.(read|*|c?r?u?d?s?), after dropping a v2 ?query. */
const SCOPE_FORM = /^patient\/([A-Za-z]+|\*)\.(read|\*|c?r?u?d?s?)$/;

describe.each([['v2', 'rs'], ['v1', 'read']])('D.0 / D.5.5 / D.5.7: the g10 standalone scopes (SMART %s)', (_version, suffix) => {
  let token: { scope: string; access_token: string; patient: string };
  beforeAll(async () => {
    const flow = { clientId: clinic.clients.public, redirectUri: APP_REDIRECT, scope: g10Scopes(suffix), username: clinic.users.patientA, password: PASSWORD };
    const result = await runBrowserFlow(server.app, flow);
    expect(result.code).toBeDefined();
    const res = await exchangeCode(server.app, result, flow);
    expect(res.status).toBe(200);
    token = res.body;
  });

  test('every requested scope is granted (A.4.4), and every resource scope has the g10 form with patient/', () => {
    expect(token.scope.split(' ').sort()).toEqual(g10Scopes(suffix).split(' ').sort());
    const resourceScopes = token.scope.split(' ').filter((s) => s.includes('/') && !s.startsWith('launch/'));
    expect(resourceScopes).toHaveLength(G10_TYPES.length);
    for (const scope of resourceScopes) expect(scope.split('?')[0]).toMatch(SCOPE_FORM);
    expect(token.patient).toBe(clinic.patientA);
  });

  test('the first search of every granted type answers 200 with a searchset; a type not granted is 403', async () => {
    const auth = { Authorization: `Bearer ${token.access_token}` };
    for (const type of G10_TYPES) {
      const query = type === 'Patient' ? `_id=${token.patient}` : ['Medication', 'Location', 'Organization', 'Practitioner', 'PractitionerRole'].includes(type) ? '_count=5' : `patient=${token.patient}`;
      const res = await server.anonymous.get(`/fhir/${type}?${query}`).set(auth);
      expect([type, res.status, res.body.type]).toEqual([type, 200, 'searchset']);
    }
    const denied = await server.anonymous.get(`/fhir/Flag?patient=${token.patient}`).set(auth);
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toMatch(/insufficient_scope/);
  });
});

describe('operations aimed at another patient (leak suite, item 7)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture(server, { patients: 2 });
  }, 120_000);
  const [mine, other] = [0, 1];

  test('Patient/$outcomes of another patient is 404 without their data; of one\'s own is 200', async () => {
    const reader = await server.as('launch/patient patient/*.rs', { patient: fx.patients[mine] });
    const theirs = await reader.get(`/fhir/Patient/${fx.patients[other]}/$outcomes`);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain(`"Patient/${fx.patients[other]}"`);
    expect((await reader.get(`/fhir/Patient/${fx.patients[mine]}/$outcomes`)).status).toBe(200);
  });

  test('instance operations on another patient\'s resource ($validate) are 404 as if it did not exist', async () => {
    const reader = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
    const hidden = await reader.get(`/fhir/Observation/${clinic.observationB}/$validate`);
    const absent = await reader.get('/fhir/Observation/no-such-observation/$validate');
    expect([hidden.status, absent.status]).toEqual([404, 404]);
    expect(JSON.stringify(hidden.body)).not.toContain('glucose B');
  });

  test('$enroll of another patient with a patient/ token writes nothing', async () => {
    const before = await searchResources<EpisodeOfCare>(server, `EpisodeOfCare?patient=Patient/${fx.patients[other]}`);
    const writer = await server.as('launch/patient patient/*.cruds', { patient: fx.patients[mine] });
    const res = await writer.post(`/fhir/HealthcareService/${fx.programs.iop}/$enroll`).set('Content-Type', 'application/fhir+json').send(params(
      { name: 'patient', valueReference: { reference: `Patient/${fx.patients[other]}` } }, { name: 'start', valueDate: dayFromToday(-1) },
    ));
    expect([403, 404]).toContain(res.status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await searchResources<EpisodeOfCare>(server, `EpisodeOfCare?patient=Patient/${fx.patients[other]}`)).toHaveLength(before.length);
  });

  test("$everything of another patient is a 404 that reveals nothing; one's own holds nothing of theirs", async () => {
    const reader = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
    const res = await reader.get(`/fhir/Patient/${clinic.patientB}/$everything`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('Brooks');
    const own = await reader.get(`/fhir/Patient/${clinic.patientA}/$everything?_count=1000`).expect(200);
    expect(own.body.entry.length).toBeGreaterThan(3);
    for (const text of ['Brooks', clinic.patientB, 'glucose B', clinic.encounterB]) expect(JSON.stringify(own.body)).not.toContain(text);
  });

  test("a therapy group's roster (Group) is not visible to its members' patient tokens: read, search, $everything", async () => {
    const group = await server.http.post('/fhir/Group').send({
      resourceType: 'Group', type: 'person', actual: true, name: 'DBT skills group',
      member: [{ entity: { reference: `Patient/${clinic.patientA}` } }, { entity: { reference: `Patient/${clinic.patientB}` } }],
    }).expect(201);
    const reader = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
    await reader.get(`/fhir/Group/${group.body.id}`).expect(404);
    const search = await reader.get(`/fhir/Group?member=Patient/${clinic.patientA}`).expect(200);
    expect(search.body.entry ?? []).toEqual([]);
    const own = await reader.get(`/fhir/Patient/${clinic.patientA}/$everything?_count=1000`).expect(200);
    expect(JSON.stringify(own.body)).not.toContain(group.body.id);
    const staff = await server.http.get(`/fhir/Group/${group.body.id}`).expect(200);
    expect(staff.body.member).toHaveLength(2);
  });

  test("a patient's Patient/$export holds nothing of another patient, and the files need the token", async () => {
    const reader = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
    const kickOff = await reader.get('/fhir/Patient/$export?_type=Patient,Observation,Encounter,EpisodeOfCare').set('Prefer', 'respond-async').expect(202);
    const worker = (server.app.locals.jobWorkers as { export: { idle(): Promise<void> } }).export;
    await worker.idle();
    const statusPath = new URL(kickOff.headers['content-location']).pathname;
    const manifest = (await reader.get(statusPath).expect(200)).body as { output: { type: string; url: string }[] };
    expect(manifest.output.length).toBeGreaterThan(0);
    for (const file of manifest.output) {
      const path = new URL(file.url).pathname;
      await server.anonymous.get(path).expect(401);
      const text = (await reader.get(path).buffer(true).parse((r, done) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => done(null, body));
      }).expect(200)).body as string;
      for (const hidden of ['Brooks', clinic.patientB, 'glucose B', clinic.encounterB]) expect(text).not.toContain(hidden);
    }
  });
});
