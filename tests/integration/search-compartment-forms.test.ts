/**
 * The search forms of R4 http.html §3.1.0.8 ("search") beyond the type level: `POST [base]/_search` (all types),
 * `GET [base]/[compartment]/[id]/*` and the compartment searches by POST (`[compartment]/[id]/_search`,
 * `[compartment]/[id]/[type]/_search`). Each must answer what its GET form answers, to every token: the compartment's
 * patient is checked first (404 when hidden), and rows pass the same access filter (scopes, patient compartment,
 * 42 CFR Part 2 consent).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { Clinic, createClinic, createResource } from '../support/auth-fixtures';
import { createPart2Clinic, Part2Clinic } from '../support/part2-fixtures';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Clinic;
let part2: Part2Clinic;
let conditionA: string;
let conditionB: string;

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
  conditionA = await createResource(server, { resourceType: 'Condition', subject: { reference: `Patient/${clinic.patientA}` }, code: { text: 'condition of A' } });
  conditionB = await createResource(server, { resourceType: 'Condition', subject: { reference: `Patient/${clinic.patientB}` }, code: { text: 'condition of B' } });
  part2 = await createPart2Clinic(server);
}, 120_000);
afterAll(() => server.close());

/** `Type/id` of every match, sorted; the request must succeed. */
function matchesOf(res: { status: number; body: Bundle }): string[] {
  expect([res.status, res.body.resourceType]).toEqual([200, 'Bundle']);
  return (res.body.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => `${e.resource!.resourceType}/${e.resource!.id}`).sort();
}

const selfLink = (bundle: Bundle) => bundle.link?.find((l) => l.relation === 'self')?.url;
const everythingOfA = () => [
  `Patient/${clinic.patientA}`, `Encounter/${clinic.encounterA}`, `Observation/${clinic.observationA}`, `Observation/${clinic.surveyA}`,
  `Condition/${conditionA}`, `RelatedPerson/${clinic.relatedPerson}`,
];
const episodesOf = async (patient: string) =>
  matchesOf(await server.http.get(`/fhir/EpisodeOfCare?patient=${patient}`));

describe('R4 http.html#search: POST [base]/_search searches all types, as GET [base]?', () => {
  test('the form body (merged with the query) gives the GET answer and the GET self link', async () => {
    const query = `_type=Patient,Condition&_id=${clinic.patientA},${conditionB}`;
    const get = await server.http.get(`/fhir?${query}`);
    const post = await server.http.post('/fhir/_search?_type=Patient,Condition').type('form').send(`_id=${clinic.patientA},${conditionB}`);
    expect(matchesOf(post)).toEqual(matchesOf(get));
    expect(matchesOf(post)).toEqual([`Condition/${conditionB}`, `Patient/${clinic.patientA}`].sort());
    expect(selfLink(post.body)).toBe(selfLink(get.body));
  });

  test('a patient token gets only its own rows from POST [base]/_search, as from GET [base]?', async () => {
    const asA = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
    const post = await asA.post('/fhir/_search').type('form').send('_type=Condition,Observation,Patient');
    const get = await asA.get('/fhir?_type=Condition,Observation,Patient');
    expect(matchesOf(post)).toEqual(matchesOf(get));
    expect(matchesOf(post).join(' ')).not.toMatch(new RegExp([clinic.patientB, conditionB, clinic.observationB].join('|')));
  });
});

describe('R4 http.html#search: GET [base]/Patient/[id]/* searches every type in the patient compartment', () => {
  test('every resource linked to the patient by the R4 Patient CompartmentDefinition, and the patient itself', async () => {
    const all = matchesOf(await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_count=100`));
    expect(all).toEqual(expect.arrayContaining(everythingOfA()));
    expect(all).toEqual(expect.arrayContaining(await episodesOf(clinic.patientA)));
    expect(all.join(' ')).not.toMatch(new RegExp([clinic.patientB, clinic.encounterB, clinic.observationB, conditionB, clinic.orgA].join('|')));
  });

  test('_type narrows to types of the compartment; a type outside it is a 400 OperationOutcome', async () => {
    const narrowed = await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_type=Observation,Condition`);
    expect(matchesOf(narrowed)).toEqual([`Condition/${conditionA}`, `Observation/${clinic.observationA}`, `Observation/${clinic.surveyA}`].sort());
    const outside = await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_type=Organization`);
    expect([outside.status, outside.body.resourceType]).toEqual([400, 'OperationOutcome']);
  });

  test('common parameters apply, and the pages walk the whole compartment without repeats', async () => {
    expect(matchesOf(await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_id=${clinic.encounterA},${clinic.encounterB}`)))
      .toEqual([`Encounter/${clinic.encounterA}`]);
    const seen: string[] = [];
    let url: string | undefined = `/fhir/Patient/${clinic.patientA}/*?_count=2`;
    while (url) {
      const page = await server.http.get(url);
      seen.push(...matchesOf(page));
      const next = page.body.link?.find((l: { relation: string }) => l.relation === 'next')?.url;
      url = next?.replace(server.baseUrl, '/fhir');
    }
    expect(seen.sort()).toEqual(matchesOf(await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_count=100`)));
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('R4 http.html#search: compartment searches by POST equal their GET forms', () => {
  test('POST Patient/[id]/_search ≡ GET Patient/[id]/*; POST Patient/[id]/[type]/_search ≡ GET Patient/[id]/[type]', async () => {
    const all = await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_count=100`);
    const postAll = await server.http.post(`/fhir/Patient/${clinic.patientA}/_search`).type('form').send('_count=100');
    expect(matchesOf(postAll)).toEqual(matchesOf(all));
    expect(selfLink(postAll.body)).toBe(selfLink(all.body));
    expect(matchesOf(await server.http.post(`/fhir/Patient/${clinic.patientA}/*/_search`).type('form').send('_count=100'))).toEqual(matchesOf(all));
    const typed = await server.http.get(`/fhir/Patient/${clinic.patientA}/Observation?category=laboratory`);
    // query and form body are merged, as for POST [type]/_search
    const postTyped = await server.http.post(`/fhir/Patient/${clinic.patientA}/Observation/_search?category=laboratory`).type('form').send('_count=10');
    expect(matchesOf(postTyped)).toEqual(matchesOf(typed));
    expect(matchesOf(postTyped)).toEqual([`Observation/${clinic.observationA}`]);
  });
});

describe('the new forms never show what the GET compartment form would not', () => {
  let asA: TestAgent;
  beforeAll(async () => {
    asA = await server.as('launch/patient patient/*.rs', { patient: clinic.patientA });
  });

  test('patient A\'s token: every form on patient B\'s compartment is the 404 of GET Patient/B/Observation', async () => {
    const get = await asA.get(`/fhir/Patient/${clinic.patientB}/Observation`);
    expect(get.status).toBe(404);
    for (const res of [
      await asA.get(`/fhir/Patient/${clinic.patientB}/*`),
      await asA.post(`/fhir/Patient/${clinic.patientB}/_search`).type('form').send(''),
      await asA.post(`/fhir/Patient/${clinic.patientB}/*/_search`).type('form').send(''),
      await asA.post(`/fhir/Patient/${clinic.patientB}/Observation/_search`).type('form').send('_count=5'),
    ]) {
      expect([res.status, res.body.resourceType, res.body.issue[0].diagnostics]).toEqual([404, 'OperationOutcome', get.body.issue[0].diagnostics]);
    }
  });

  test('patient A\'s token on its own compartment: only A\'s rows, the same as the admin sees', async () => {
    const mine = matchesOf(await asA.get(`/fhir/Patient/${clinic.patientA}/*?_count=100`));
    expect(mine).toEqual(expect.arrayContaining(everythingOfA()));
    expect(mine.join(' ')).not.toMatch(new RegExp([clinic.patientB, clinic.observationB, conditionB].join('|')));
    expect(matchesOf(await asA.post(`/fhir/Patient/${clinic.patientA}/_search`).type('form').send('_count=100'))).toEqual(mine);
  });

  test('a token for one type sees only that type in Patient/[id]/*; without the patient, or without search, it is refused as by GET', async () => {
    const observationsOnly = await server.as('launch/patient patient/Patient.r patient/Observation.rs', { patient: clinic.patientA });
    expect(matchesOf(await observationsOnly.get(`/fhir/Patient/${clinic.patientA}/*`)))
      .toEqual([`Observation/${clinic.observationA}`, `Observation/${clinic.surveyA}`].sort());
    // Without reading the patient, the compartment is absent for both forms.
    const noPatient = await server.as('launch/patient patient/Observation.rs', { patient: clinic.patientA });
    const typed = await noPatient.get(`/fhir/Patient/${clinic.patientA}/Observation`);
    const every = await noPatient.get(`/fhir/Patient/${clinic.patientA}/*`);
    expect([every.status, every.body.resourceType]).toEqual([typed.status, 'OperationOutcome']);
    const readOnly = await server.as('launch/patient patient/*.r', { patient: clinic.patientA });
    const refused = await readOnly.get(`/fhir/Patient/${clinic.patientA}/*`);
    expect([refused.status, refused.body.resourceType]).toEqual([403, 'OperationOutcome']);
    expect((await readOnly.get(`/fhir/Patient/${clinic.patientA}/Observation`)).status).toBe(403);
  });

  test('42 CFR Part 2: a payer without consent gets no SUD record by Patient/[id]/*, by GET or POST', async () => {
    const payer = await server.as('system/*.rs', { clientId: part2.payerClient });
    const sudRecords = [part2.sud.encounter, part2.sud.claim, part2.sud.condition, part2.sud.observation, part2.sud.episode];
    for (const res of [
      await payer.get(`/fhir/Patient/${part2.sudPatient}/*?_count=100`),
      await payer.post(`/fhir/Patient/${part2.sudPatient}/_search`).type('form').send('_count=100'),
    ]) {
      const found = matchesOf(res);
      expect(found.filter((ref) => sudRecords.some((id) => ref.endsWith(`/${id}`)))).toEqual([]);
    }
    // the same client sees the records of the patient outside the Part 2 program
    expect(matchesOf(await payer.get(`/fhir/Patient/${part2.mhPatient}/*?_count=100`))).toEqual(expect.arrayContaining([`Claim/${part2.mh.claim}`]));
  });

  test('the access is audited under the compartment\'s patient and instance', async () => {
    await server.http.get(`/fhir/Patient/${clinic.patientA}/*?_type=Condition`);
    const { rows } = await server.pool.query(
      `SELECT patients, entities FROM audit_event WHERE content::text LIKE $1 ORDER BY seq DESC LIMIT 1`, [`%Patient/${clinic.patientA}/*%`],
    );
    expect(rows).toEqual([{ patients: [clinic.patientA], entities: [`Patient/${clinic.patientA}`] }]);
  });
});
