/**
 * Our profiles enforced by the running server: every example is accepted as written (PUT with its id), our
 * SearchParameters find them, required bindings of our profiles reject (422) while extensible ones only warn,
 * profile invariants reject, the templates are stored at start, and the CapabilityStatement lists the profiles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';

const ROOT = path.join(__dirname, '../..');
const FHIR_JSON = 'application/fhir+json';
const CS = 'http://iop-fhir.org/fhir/CodeSystem/';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ storeConformance: true });
});
afterAll(() => server.close());

type AnyResource = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Issue = { severity: string; code: string; expression?: string[]; diagnostics?: string };

const examples = readdirSync(path.join(ROOT, 'profiles/examples')).sort()
  .map((n) => JSON.parse(readFileSync(path.join(ROOT, 'profiles/examples', n), 'utf8')) as Resource);
const example = (type: string, id: string): AnyResource => {
  const found = examples.find((r) => r.resourceType === type && r.id === id);
  if (!found) throw new Error(`no example ${type}/${id}`);
  const copy = structuredClone(found) as AnyResource;
  delete copy.id;
  return copy;
};
const post = (body: AnyResource) => server.http.post(`/fhir/${body.resourceType}`).set('Content-Type', FHIR_JSON).send(body);
const validate = (body: AnyResource) => server.http.post(`/fhir/${body.resourceType}/$validate`).set('Content-Type', FHIR_JSON).send(body);
const ids = (bundle: { entry?: { resource: { id: string } }[] }) => (bundle.entry ?? []).map((e) => e.resource.id).sort();
const search = async (query: string) => {
  const res = await server.http.get(`/fhir/${query}`);
  expect(res.status).toBe(200);
  return ids(res.body);
};

describe('examples', () => {
  test('every example is accepted as written', async () => {
    for (const resource of examples) {
      const res = await server.http.put(`/fhir/${resource.resourceType}/${resource.id}`).set('Content-Type', FHIR_JSON).send(resource);
      expect({ example: `${resource.resourceType}/${resource.id}`, status: res.status, issues: res.status >= 400 ? res.body.issue : undefined })
        .toEqual({ example: `${resource.resourceType}/${resource.id}`, status: 201, issues: undefined });
    }
  });

  test('our search parameters find them', async () => {
    expect(await search(`HealthcareService?level-of-care=${CS}mh-level-of-care|mh-iop`)).toEqual(['adult-mh-iop-am']);
    expect(await search('HealthcareService?level-of-care=2.1')).toEqual(['sud-iop-evening']);
    expect(await search('HealthcareService?part2-program=true')).toEqual(['sud-iop-evening']);
    expect(await search('EpisodeOfCare?program=HealthcareService/adult-mh-iop-am')).toEqual(['ana-iop-enrollment']);
    expect(await search(`EpisodeOfCare?level-of-care=${CS}mh-level-of-care|mh-php`)).toEqual(['ana-php-enrollment']);
    expect(await search('EpisodeOfCare?admission-type=step-down')).toEqual(['ana-iop-enrollment']);
    expect(await search('Encounter?minutes-attended=ge45')).toEqual(['ana-attendance-2025-03-03']);
    expect(await search('Encounter?minutes-attended=gt45')).toEqual([]);
    expect(await search('Encounter?program=HealthcareService/adult-mh-iop-am')).toEqual(['ana-attendance-2025-03-03', 'group-session-encounter-2025-03-03']);
    expect(await search(`Encounter?attendance-status=${CS}attendance-status|late-arrival`)).toEqual(['ana-attendance-2025-03-03']);
    expect(await search('Appointment?attendance-status=absent-excused')).toEqual(['ana-session-2025-03-05']);
    expect(await search('Appointment?session-appointment=Appointment/group-session-2025-03-03')).toEqual(['ana-session-2025-03-03']);
    expect(await search('CarePlan?next-review-date=le2025-04-30')).toEqual(['ana-iop-treatment-plan']);
    expect(await search('CarePlan?next-review-date=lt2025-04-01')).toEqual([]);
    expect(await search('CarePlan?enrollment=EpisodeOfCare/ana-iop-enrollment')).toEqual(['ana-iop-treatment-plan']);
    // Storing the example PHQ-9 (item 9 = 1) also makes the server raise its own risk Flag (score-on-write hook).
    const flags = await search('Flag?enrollment=EpisodeOfCare/ana-iop-enrollment');
    expect(flags).toContain('ana-item9-flag');
    expect(flags).toHaveLength(2);
    expect(await search('Flag?enrollment=EpisodeOfCare/ana-iop-enrollment&identifier=http://iop-fhir.org/fhir/identifier/risk-flag|')).toHaveLength(1);
    expect(await search('Coverage?authorization-period=ge2025-04-01')).toEqual(['ana-medicare-advantage']);
    expect(await search('Coverage?authorization-period=ge2025-06-01')).toEqual([]);
  });
});

describe('bindings of our profiles, with the right severity', () => {
  test('required: a session type outside the value set is rejected (422) at its path', async () => {
    const attendance = example('Encounter', 'ana-attendance-2025-03-03');
    attendance.serviceType = { coding: [{ system: `${CS}session-type`, code: 'yoga' }] };
    const res = await post(attendance);
    expect(res.status).toBe(422);
    const issue = res.body.issue.find((i: Issue) => i.expression?.[0]?.startsWith('Encounter.serviceType'));
    expect(issue).toMatchObject({ severity: 'error', code: 'code-invalid' });
    expect(issue.diagnostics).toContain('yoga');
  });

  test('required, inside an extension: an unknown level of care is rejected', async () => {
    const program = example('HealthcareService', 'adult-mh-iop-am');
    program.extension[1].valueCodeableConcept = { coding: [{ system: `${CS}mh-level-of-care`, code: 'mh-day-spa' }] };
    const res = await post(program);
    expect(res.status).toBe(422);
    expect(res.body.issue.some((i: Issue) => i.severity === 'error' && i.diagnostics?.includes('mh-day-spa'))).toBe(true);
  });

  test('required: a score Observation must measure one of the shipped instrument totals', async () => {
    const score = example('Observation', 'ana-phq9-score-2025-03-03');
    score.code = { coding: [{ system: 'http://loinc.org', code: '55758-7' }] }; // PHQ-2 total: not one of ours
    expect((await post(score)).status).toBe(422);
  });

  test('extensible: an unknown program type is accepted and reported as a warning', async () => {
    const program = example('HealthcareService', 'adult-mh-iop-am');
    program.type = [{ coding: [{ system: 'http://example.org/program-type', code: 'eating-disorder-iop' }] }];
    const res = await post(program);
    expect(res.status).toBe(201);
    const check = await validate(res.body);
    expect(check.status).toBe(200);
    const warning = check.body.issue.find((i: Issue) => i.expression?.[0]?.startsWith('HealthcareService.type'));
    expect(warning).toMatchObject({ severity: 'warning' });
  });

  test('extensible: a revenue code outside our subset is a warning on the claim line, not a rejection', async () => {
    const claim = example('Claim', 'ana-claim-2025-03-03');
    claim.item[0].revenue = { coding: [{ system: 'https://www.nubc.org/CodeSystem/RevenueCodes', code: '0919' }] };
    const res = await post(claim);
    expect(res.status).toBe(201);
    const check = await validate(res.body);
    expect(check.body.issue.some((i: Issue) => i.severity === 'warning' && i.expression?.[0]?.startsWith('Claim.item[0].revenue'))).toBe(true);
    expect(check.body.issue.some((i: Issue) => i.severity === 'error')).toBe(false);
  });
});

describe('profile rules', () => {
  test('an invariant: a PHQ-9 total of 30 is rejected with the rule that says why', async () => {
    const score = example('Observation', 'ana-phq9-score-2025-03-03');
    score.valueInteger = 30;
    const res = await post(score);
    expect(res.status).toBe(422);
    expect(res.body.issue.map((i: Issue) => i.diagnostics).join('\n')).toMatch(/iop-score-1/);
  });

  test('cardinality: an attendance without minutes attended is rejected', async () => {
    const attendance = example('Encounter', 'ana-attendance-2025-03-03');
    attendance.extension = attendance.extension.filter((e: { url: string }) => !e.url.endsWith('/minutes-attended'));
    const res = await post(attendance);
    expect(res.status).toBe(422);
    expect(res.body.issue.map((i: Issue) => i.diagnostics).join('\n')).toMatch(/minutesAttended/);
  });
});

describe('published with the server', () => {
  test('the clinical templates are stored at start and found by url', async () => {
    for (const name of ['phq-9', 'gad-7', 'pcl-5', 'audit-c', 'group-session-note', 'individual-therapy-note', 'psychiatric-evaluation',
      'medication-management-note', 'treatment-plan-review']) {
      const res = await server.http.get('/fhir/Questionnaire').query({ url: `http://iop-fhir.org/fhir/Questionnaire/${name}` });
      expect({ name, total: res.body.entry?.length }).toEqual({ name, total: 1 });
    }
  });

  test('the CapabilityStatement lists our profiles as supportedProfile', async () => {
    const res = await server.http.get('/fhir/metadata');
    const resources: { type: string; supportedProfile?: string[] }[] = res.body.rest[0].resource;
    const profiles = (type: string) => resources.find((r) => r.type === type)?.supportedProfile ?? [];
    expect(profiles('Encounter')).toEqual(expect.arrayContaining([
      'http://iop-fhir.org/fhir/StructureDefinition/iop-group-session-encounter', 'http://iop-fhir.org/fhir/StructureDefinition/iop-session-attendance',
    ]));
    expect(profiles('Claim')).toContain('http://iop-fhir.org/fhir/StructureDefinition/iop-claim');
  });
});
