/**
 * The creates of a transaction Bundle are stored together (fhir/bundle-creates.ts, Repository.writeNew): a bounded
 * number of statements for any number of entries, the same stored rows, history and index rows as one-by-one writes,
 * Part 2 labels that follow references between the new resources, and a failure that names its entry and keeps nothing.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { codesOf } from '../support/part2-fixtures';
import { startTestServer, TestServer } from '../support/test-server';

const IOP = 'http://iop-fhir.org/fhir';
let server: TestServer;
let part2Program: string;

beforeAll(async () => {
  server = await startTestServer();
  part2Program = await createResource(server, {
    resourceType: 'HealthcareService', name: 'SUD IOP', extension: [{ url: `${IOP}/StructureDefinition/part2-program`, valueBoolean: true }],
  });
}, 60_000);
afterAll(() => server.close());

const post = (bundle: Bundle) => server.http.post('/fhir').set('Content-Type', 'application/fhir+json').send(bundle);
const create = (fullUrl: string, resource: Resource): BundleEntry => ({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
const transaction = (entry: BundleEntry[]): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry });
const countRows = async (table: string, where: string, values: unknown[]) =>
  (await server.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values)).rows[0].n as number;

function patientWithObservations(tag: string, observations: number): BundleEntry[] {
  const patient = `urn:uuid:00000000-0000-4000-8000-${tag.padStart(12, '0')}`;
  return [
    create(patient, { resourceType: 'Patient', name: [{ family: `Batch${tag}`, given: ['Ada'] }], gender: 'female', birthDate: '1990-04-02' }),
    ...Array.from({ length: observations }, (_, i) => create(`urn:uuid:00000000-0000-4000-9000-${tag.padStart(8, '0')}${String(i).padStart(4, '0')}`, {
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }], text: 'PHQ-9 total' },
      subject: { reference: patient }, effectiveDateTime: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
      valueQuantity: { value: i % 27, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    })),
  ];
}

describe('creates stored together', () => {
  test('ten times the entries take no more statements: the creates are one set-based write', async () => {
    const statementsFor = async (observations: number, tag: string) => {
      server.statements.length = 0;
      const res = await post(transaction(patientWithObservations(tag, observations)));
      expect(res.status).toBe(200);
      return server.statements.length;
    };
    await statementsFor(1, '0'); // the first write of a process also loads what it caches
    const small = await statementsFor(5, '1');
    const large = await statementsFor(50, '2');
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(3); // labelling, the rows; nothing per entry
  });

  test('creates of a type a subscription topic watches (Encounter) also take no more statements for ten times the entries', async () => {
    const encounters = (count: number, tag: string) => transaction([
      create(`urn:uuid:30000000-0000-4000-8000-${tag.padStart(12, '0')}`, { resourceType: 'Patient', name: [{ family: `Enc${tag}` }] }),
      ...Array.from({ length: count }, (_, i) => create(`urn:uuid:30000000-0000-4000-9000-${tag.padStart(8, '0')}${String(i).padStart(4, '0')}`, {
        resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `urn:uuid:30000000-0000-4000-8000-${tag.padStart(12, '0')}` },
      })),
    ]);
    const statementsFor = async (count: number, tag: string) => {
      server.statements.length = 0;
      expect((await post(encounters(count, tag))).status).toBe(200);
      return server.statements.length;
    };
    await statementsFor(1, '10');
    expect(await statementsFor(40, '12')).toBe(await statementsFor(4, '11'));
  });

  test('each new resource has its row, its first history version and its index rows, and is found by search', async () => {
    const res = await post(transaction(patientWithObservations('3', 20)));
    expect(res.status).toBe(200);
    const entries = res.body.entry as BundleEntry[];
    expect(entries.map((e) => e.response!.status)).toEqual(Array(21).fill('201'));
    const patientId = entries[0].resource!.id!;
    const ids = entries.map((e) => e.resource!.id!);
    expect(new Set(ids).size).toBe(21);
    expect(await countRows('resource_history', 'id = ANY($1) AND version_id = 1', [ids])).toBe(21);
    const found = await server.http.get(`/fhir/Observation?subject=Patient/${patientId}&code=http://loinc.org|44261-6&value-quantity=ge15&_total=accurate`).expect(200);
    expect(found.body.total).toBe(5); // 15, 16, 17, 18 and 19 of 0…19
    const byName = await server.http.get('/fhir/Patient?family=Batch3&birthdate=1990-04-02').expect(200);
    expect(byName.body.entry.map((e: BundleEntry) => e.resource!.id)).toEqual([patientId]);
    const read = await server.http.get(`/fhir/Observation/${ids[5]}`).expect(200);
    expect(read.body.subject.reference).toBe(`Patient/${patientId}`);
    expect(read.body.meta.versionId).toBe('1');
    expect(read.headers.etag).toBe('W/"1"');
  });

  test('Part 2 labels follow references between the new resources, whichever entry comes first', async () => {
    const patient = 'urn:uuid:10000000-0000-4000-8000-000000000001';
    const episode = 'urn:uuid:10000000-0000-4000-8000-000000000002';
    const encounter = 'urn:uuid:10000000-0000-4000-8000-000000000003';
    const res = await post(transaction([
      // The Observation comes before the Encounter it refers to, which comes before the enrolment that makes it Part 2.
      create('urn:uuid:10000000-0000-4000-8000-000000000004', {
        resourceType: 'Observation', status: 'final', code: { text: 'craving score' }, subject: { reference: patient }, encounter: { reference: encounter },
      }),
      create(encounter, {
        resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: patient }, episodeOfCare: [{ reference: episode }],
      }),
      create(episode, {
        resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: patient },
        extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${part2Program}` } }],
      }),
      // Names no care context: labelled because the patient is enrolled in a Part 2 program by this same transaction.
      create('urn:uuid:10000000-0000-4000-8000-000000000005', {
        resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'Stay sober through the holidays' }, subject: { reference: patient },
      }),
      create(patient, { resourceType: 'Patient', name: [{ family: 'Labelled', given: ['Lee'] }] }),
    ]));
    expect(res.status).toBe(200);
    const [observation, encounterEntry, episodeEntry, goal, patientEntry] = (res.body.entry as BundleEntry[]).map((e) => e.resource!);
    for (const labelled of [observation, encounterEntry, episodeEntry, goal]) {
      expect(codesOf(labelled)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R']));
      const stored = await server.pool.query('SELECT part2_patients FROM resource WHERE id = $1', [labelled.id]);
      expect(stored.rows[0].part2_patients).toEqual([patientEntry.id]);
    }
    expect(codesOf(patientEntry)).not.toContain('42CFRPart2');
  });

  test('an invalid entry among many fails the transaction, names that entry, and nothing is kept', async () => {
    const entries = patientWithObservations('4', 10);
    (entries[7].resource as { status: string }).status = 'not-a-status';
    const res = await post(transaction(entries));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/^Transaction failed at entry 7 \(POST Observation\)/);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[7]']);
    expect(await countRows('idx_string', "resource_type = 'Patient' AND value_exact = $1", ['Batch4'])).toBe(0);
  });

  test('a write hook refusing one of the creates names that entry (an unindexable SearchParameter), and nothing is kept', async () => {
    const entries = patientWithObservations('5', 3);
    entries.splice(2, 0, create('urn:uuid:20000000-0000-4000-8000-000000000001', {
      resourceType: 'SearchParameter', url: `${IOP}/SearchParameter/unindexable-${Date.now()}`, name: 'unindexable', status: 'active',
      description: 'cannot be indexed', code: 'unindexable', base: ['Patient'], type: 'string', expression: 'Patient.name.where(',
    } as Resource));
    const res = await post(transaction(entries));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.issue[0].diagnostics).toMatch(/^Transaction failed at entry 2 \(POST SearchParameter\)/);
    expect(await countRows('idx_string', "resource_type = 'Patient' AND value_exact = $1", ['Batch5'])).toBe(0);
  });

  test('the creates run after the deletes and before the updates of the same transaction, as the spec orders them', async () => {
    const existing = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Ordered' }] });
    const res = await post(transaction([
      { request: { method: 'PUT', url: `Patient/${existing}` }, resource: { resourceType: 'Patient', id: existing, name: [{ family: 'OrderedAgain' }] } },
      ...patientWithObservations('6', 2),
      { request: { method: 'GET', url: 'Patient?family=Batch6' } },
    ]));
    expect(res.status).toBe(200);
    const entries = res.body.entry as BundleEntry[];
    expect(entries[0].response!.status).toBe('200');
    expect((entries[4].resource as Bundle).entry).toHaveLength(1);
  });
});
