/**
 * The leak suite: with a token for patient A (patient/*.rs), no path — read, vread, history, search by every
 * reference parameter, _include, _revinclude, chains, _has, batch, transaction, compartment search, writes —
 * returns or changes anything of patient B. Also for a clinician limited to their organisation, a related person,
 * and a granular scope.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { getSearchParameters } from '@medplum/core';
import { createUser } from '../../server/src/auth/users';
import { Clinic, createClinic, createResource } from '../support/auth-fixtures';
import { authServerOf } from '../support/auth-tokens';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Clinic;
let asA: TestAgent;
/** Everything that is B's: ids that must never appear in what A's token gets back. */
let secretsOfB: string[];
let conditionB: string;
let performer: string;

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
  performer = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'OnlyTreatsB' }] });
  conditionB = await createResource(server, { resourceType: 'Condition', subject: { reference: `Patient/${clinic.patientB}` }, code: { text: 'secret diagnosis of B' } });
  const performedB = await createResource(server, {
    resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44249-1' }], text: 'PHQ-9 of B' },
    subject: { reference: `Patient/${clinic.patientB}` }, performer: [{ reference: `Practitioner/${performer}` }],
  });
  await createResource(server, { resourceType: 'Condition', subject: { reference: `Patient/${clinic.patientA}` }, code: { text: 'condition of A' } });
  secretsOfB = [clinic.patientB, clinic.observationB, clinic.encounterB, conditionB, performedB];
  asA = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
}, 120_000);
afterAll(() => server.close());

/**
 * B's ids found in the resources of a response. OperationOutcomes and Bundle links are left out: they echo what the
 * caller asked for (an id it already knew), not data of B.
 */
function leaked(body: unknown): string[] {
  const text = JSON.stringify(returnedResources(body as Resource | undefined));
  return secretsOfB.filter((id) => text.includes(id));
}

function returnedResources(resource: Resource | undefined): Resource[] {
  if (!resource || resource.resourceType === 'OperationOutcome') return [];
  if (resource.resourceType !== 'Bundle') return [resource];
  return (resource.entry ?? []).flatMap((e) => returnedResources(e.resource));
}

function entries(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r && r.resourceType !== 'OperationOutcome');
}

describe('patient A\'s token', () => {
  test('read, vread and instance history of B\'s resources are 404, without B\'s data', async () => {
    for (const path of [`Patient/${clinic.patientB}`, `Observation/${clinic.observationB}`, `Encounter/${clinic.encounterB}`, `Condition/${conditionB}`]) {
      for (const suffix of ['', '/_history/1', '/_history']) {
        const res = await asA.get(`/fhir/${path}${suffix}`);
        expect([res.status, path + suffix]).toEqual([404, path + suffix]);
        expect(leaked(res.body)).toEqual([]);
      }
    }
  });

  test('its own record reads fine', async () => {
    expect((await asA.get(`/fhir/Patient/${clinic.patientA}`)).status).toBe(200);
    expect((await asA.get(`/fhir/Observation/${clinic.observationA}`)).status).toBe(200);
  });

  test('plain searches of every type return only A\'s rows, and _total counts only those', async () => {
    for (const type of ['Patient', 'Observation', 'Encounter', 'Condition', 'EpisodeOfCare', 'RelatedPerson']) {
      const res = await asA.get(`/fhir/${type}?_total=accurate&_count=100`);
      expect([type, res.status]).toEqual([type, 200]);
      expect([type, leaked(res.body)]).toEqual([type, []]);
      expect(res.body.total).toBe(entries(res.body).length);
    }
    const patients = await asA.get('/fhir/Patient');
    expect(entries(patients.body).map((p) => p.id)).toEqual([clinic.patientA]);
  });

  test('searching by every reference parameter with B\'s resources as value finds nothing of B', async () => {
    const targets = [`Patient/${clinic.patientB}`, clinic.patientB, `Encounter/${clinic.encounterB}`, `Observation/${clinic.observationB}`, `Condition/${conditionB}`];
    let queries = 0;
    for (const type of ['Observation', 'Encounter', 'Condition', 'EpisodeOfCare', 'Patient', 'RelatedPerson', 'Provenance', 'DocumentReference']) {
      const params = Object.values(getSearchParameters(type) ?? {}).filter((p) => p.type === 'reference');
      for (const param of params) {
        for (const target of targets) {
          const res = await asA.get(`/fhir/${type}`).query({ [param.code!]: target });
          queries++;
          expect([type, param.code, target, leaked(res.body)]).toEqual([type, param.code, target, []]);
        }
      }
    }
    expect(queries).toBeGreaterThan(100);
  });

  test('_id and ordinary parameters do not reach B either', async () => {
    for (const query of [`_id=${clinic.patientB}`, 'name=Brooks', 'birthdate=1990-02-02', 'family=Brooks']) {
      const res = await asA.get(`/fhir/Patient?${query}`);
      expect(entries(res.body)).toEqual([]);
    }
  });

  test('_include and _revinclude (also :iterate and *) bring nothing of B', async () => {
    for (const query of [
      'Observation?_include=Observation:subject', 'Observation?_include=Observation:performer', 'Observation?_include=*',
      'Encounter?_include=Encounter:subject', 'Patient?_revinclude=Observation:subject', 'Patient?_revinclude=Condition:subject',
      'Patient?_revinclude=*', 'Practitioner?_revinclude=Observation:performer', 'Practitioner?_revinclude:iterate=Observation:performer&_include:iterate=Observation:subject',
      'Organization?_revinclude=EpisodeOfCare:organization&_include:iterate=EpisodeOfCare:patient',
    ]) {
      const res = await asA.get(`/fhir/${query}`);
      expect([query, res.status, leaked(res.body)]).toEqual([query, 200, []]);
    }
  });

  test('chains and _has cannot probe B\'s data', async () => {
    for (const query of [
      'Observation?subject.name=Brooks', 'Observation?subject:Patient.birthdate=1990-02-02', 'Encounter?subject.family=Brooks',
      `Patient?_has:Observation:subject:code=44249-1`, `Practitioner?_has:Observation:performer:subject=Patient/${clinic.patientB}`,
      `Practitioner?_has:Observation:performer:code=44249-1`, `Organization?_has:EpisodeOfCare:organization:patient=Patient/${clinic.patientB}`,
    ]) {
      const res = await asA.get(`/fhir/${query}`);
      expect([query, res.status]).toEqual([query, 200]);
      const ids = entries(res.body).map((r) => `${r.resourceType}/${r.id}`);
      expect([query, ids.filter((id) => id.endsWith(performer) || id.endsWith(clinic.orgB) || id.endsWith(clinic.patientB))]).toEqual([query, []]);
    }
  });

  test('type and system history show only A\'s versions', async () => {
    for (const path of ['Observation/_history', 'Patient/_history', '_history']) {
      const res = await asA.get(`/fhir/${path}?_count=1000`);
      expect([path, res.status, leaked(res.body)]).toEqual([path, 200, []]);
    }
  });

  test('compartment search of B is 404; of A works', async () => {
    const b = await asA.get(`/fhir/Patient/${clinic.patientB}/Observation`);
    expect(b.status).toBe(404);
    expect(leaked(b.body)).toEqual([]);
    const a = await asA.get(`/fhir/Patient/${clinic.patientA}/Observation`);
    expect(a.status).toBe(200);
    expect(entries(a.body).length).toBeGreaterThan(0);
  });

  test('system-wide search (_type) returns nothing of B', async () => {
    const res = await asA.get('/fhir?_type=Observation,Condition,Patient');
    if (res.status === 200) expect(leaked(res.body)).toEqual([]);
    else expect([400, 403]).toContain(res.status);
  });

  test('batch entries are checked like single requests', async () => {
    const bundle = {
      resourceType: 'Bundle', type: 'batch', entry: [
        { request: { method: 'GET', url: `Patient/${clinic.patientB}` } },
        { request: { method: 'GET', url: `Observation?subject=Patient/${clinic.patientB}` } },
        { request: { method: 'GET', url: `Observation/${clinic.observationB}/_history` } },
        { request: { method: 'GET', url: 'Observation?_include=Observation:subject' } },
        { request: { method: 'GET', url: `Patient/${clinic.patientA}` } },
      ],
    };
    const res = await asA.post('/fhir').set('Content-Type', 'application/fhir+json').send(bundle);
    expect(res.status).toBe(200);
    expect(leaked(res.body)).toEqual([]);
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['404', '200', '404', '200', '200']);
  });

  test('a transaction reading B fails as a whole, without B\'s data', async () => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: `Observation/${clinic.observationB}` } }] };
    const res = await asA.post('/fhir').set('Content-Type', 'application/fhir+json').send(bundle);
    expect(res.status).toBe(404);
    expect(leaked(res.body)).toEqual([]);
  });
});

describe('writes with patient scopes', () => {
  let writer: TestAgent;
  beforeAll(async () => {
    writer = await server.as('patient/*.cruds', { patient: clinic.patientA });
  });
  const observationFor = (patient: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'self-reported' }, subject: { reference: `Patient/${patient}` } });

  test('creating for A works; for B is 403 and nothing is stored', async () => {
    const ok = await writer.post('/fhir/Observation').set('Content-Type', 'application/fhir+json').send(observationFor(clinic.patientA));
    expect(ok.status).toBe(201);
    const before = await server.pool.query(`SELECT count(*) FROM resource WHERE resource_type = 'Observation'`);
    const refused = await writer.post('/fhir/Observation').set('Content-Type', 'application/fhir+json').send(observationFor(clinic.patientB));
    expect(refused.status).toBe(403);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    const after = await server.pool.query(`SELECT count(*) FROM resource WHERE resource_type = 'Observation'`);
    expect(after.rows[0].count).toBe(before.rows[0].count);
  });

  // PATCH/DELETE answer as for a missing resource, PUT as for an id the token may not create (auth-history-writes.test.ts).
  test('updating (403), patching (404) or deleting (204, as for a missing one) B\'s resource changes nothing', async () => {
    const update = await writer.put(`/fhir/Observation/${clinic.observationB}`).set('Content-Type', 'application/fhir+json')
      .send({ ...observationFor(clinic.patientA), id: clinic.observationB });
    expect(update.status).toBe(403);
    const patch = await writer.patch(`/fhir/Observation/${clinic.observationB}`).set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'replace', path: '/status', value: 'cancelled' }]);
    expect(patch.status).toBe(404);
    const remove = await writer.delete(`/fhir/Observation/${clinic.observationB}`);
    expect(remove.status).toBe(204);
    const stored = await server.http.get(`/fhir/Observation/${clinic.observationB}`);
    expect(stored.body.meta.versionId).toBe('1');
    expect(stored.body.status).toBe('final');
  });

  test('moving A\'s own resource to B is refused', async () => {
    const update = await writer.put(`/fhir/Observation/${clinic.observationA}`).set('Content-Type', 'application/fhir+json')
      .send({ ...observationFor(clinic.patientB), id: clinic.observationA });
    expect(update.status).toBe(403);
  });

  test('conditional writes are refused for compartment-limited tokens', async () => {
    const res = await writer.delete(`/fhir/Observation?subject=Patient/${clinic.patientB}`);
    expect(res.status).toBe(403);
  });

  test('a transaction that writes for B rolls back entirely', async () => {
    const bundle = {
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: observationFor(clinic.patientA), request: { method: 'POST', url: 'Observation' } },
        { resource: observationFor(clinic.patientB), request: { method: 'POST', url: 'Observation' } },
      ],
    };
    const before = await server.pool.query(`SELECT count(*) FROM resource WHERE resource_type = 'Observation'`);
    const res = await writer.post('/fhir').set('Content-Type', 'application/fhir+json').send(bundle);
    expect(res.status).toBe(403);
    const after = await server.pool.query(`SELECT count(*) FROM resource WHERE resource_type = 'Observation'`);
    expect(after.rows[0].count).toBe(before.rows[0].count);
  });

  test('read-only scopes cannot write at all', async () => {
    const res = await asA.post('/fhir/Observation').set('Content-Type', 'application/fhir+json').send(observationFor(clinic.patientA));
    expect(res.status).toBe(403);
  });
});

describe('user/ scopes follow the user', () => {
  test('a clinician sees the patients of their organisation, not the other site\'s', async () => {
    const clinician = await server.as('user/*.rs', { username: clinic.users.clinician });
    expect((await clinician.get(`/fhir/Patient/${clinic.patientA}`)).status).toBe(200);
    expect((await clinician.get(`/fhir/Patient/${clinic.patientB}`)).status).toBe(404);
    const observations = await clinician.get('/fhir/Observation?_count=100');
    expect(leaked(observations.body)).toEqual([]);
    expect(entries(observations.body).map((o) => o.id)).toContain(clinic.observationA);
    const other = await server.as('user/*.rs', { username: clinic.users.otherClinician });
    expect((await other.get(`/fhir/Patient/${clinic.patientB}`)).status).toBe(200);
    expect((await other.get(`/fhir/Patient/${clinic.patientA}`)).status).toBe(404);
  });

  test('a clinician whose role names a program sees that program\'s patients, not the rest of the organisation', async () => {
    const PROGRAM = 'http://iop-fhir.org/fhir/StructureDefinition/program';
    const morning = await createResource(server, { resourceType: 'HealthcareService', name: 'Adult MH IOP morning', providedBy: { reference: `Organization/${clinic.orgA}` } });
    const evening = await createResource(server, { resourceType: 'HealthcareService', name: 'SUD IOP evening', providedBy: { reference: `Organization/${clinic.orgA}` } });
    const therapist = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Morning' }] });
    await createResource(server, {
      resourceType: 'PractitionerRole', practitioner: { reference: `Practitioner/${therapist}` }, organization: { reference: `Organization/${clinic.orgA}` },
      healthcareService: [{ reference: `HealthcareService/${morning}` }],
    });
    const patientC = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Evening' }] });
    const enrol = (patient: string, program: string) => createResource(server, {
      resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${patient}` }, managingOrganization: { reference: `Organization/${clinic.orgA}` },
      extension: [{ url: PROGRAM, valueReference: { reference: `HealthcareService/${program}` } }],
    } as never);
    await enrol(clinic.patientA, morning);
    await enrol(patientC, evening);
    const user = await createUser(authServerOf(server.app).pool, { username: `morning-${Date.now()}`, password: 'a long password', fhirUser: `Practitioner/${therapist}` });
    const agent = await server.as('user/*.rs', { username: user.username });
    expect((await agent.get(`/fhir/Patient/${clinic.patientA}`)).status).toBe(200);
    expect((await agent.get(`/fhir/Patient/${patientC}`)).status).toBe(404);
    expect((await agent.get(`/fhir/Patient/${clinic.patientB}`)).status).toBe(404);
    const patients = await agent.get('/fhir/Patient?_count=100');
    expect(entries(patients.body).map((p) => p.id)).toEqual([clinic.patientA]);
  });

  test('a related person sees the patient they are linked to', async () => {
    const family = await server.as('user/*.rs', { username: clinic.users.family });
    expect((await family.get(`/fhir/Patient/${clinic.patientA}`)).status).toBe(200);
    expect((await family.get(`/fhir/Patient/${clinic.patientB}`)).status).toBe(404);
    expect(leaked((await family.get('/fhir/Observation')).body)).toEqual([]);
  });

  test('a patient user with user/ scopes sees only their own compartment', async () => {
    const patient = await server.as('user/*.rs', { username: clinic.users.patientA });
    expect((await patient.get(`/fhir/Observation/${clinic.observationB}`)).status).toBe(404);
    expect(leaked((await patient.get('/fhir/Observation')).body)).toEqual([]);
  });
});

describe('granular scopes', () => {
  test('patient/Observation.rs?category=…|laboratory hides A\'s survey from read and search', async () => {
    const lab = await server.as('patient/Patient.rs patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory', { patient: clinic.patientA });
    expect((await lab.get(`/fhir/Observation/${clinic.surveyA}`)).status).toBe(404);
    expect((await lab.get(`/fhir/Observation/${clinic.observationA}`)).status).toBe(200);
    const res = await lab.get('/fhir/Observation');
    expect(entries(res.body).map((o) => o.id)).toEqual([clinic.observationA]);
  });

  test('a granular scope that cannot be compiled is refused, not widened', async () => {
    const odd = await server.as('patient/Observation.rs?no-such-param=1', { patient: clinic.patientA });
    const res = await odd.get('/fhir/Observation');
    expect(res.status).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/cannot be applied/);
  });
});

describe('tokens that reach nothing', () => {
  test('patient/ scopes without a patient in context reach nothing', async () => {
    const noPatient = await server.as('patient/*.rs');
    expect((await noPatient.get('/fhir/Observation')).status).toBe(403);
  });

  test('AuditEvents are not readable with patient scopes', async () => {
    expect((await asA.get(`/fhir/AuditEvent?patient=${clinic.patientA}`)).status).toBe(403);
  });
});
