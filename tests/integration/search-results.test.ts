/** Result control: _sort, keyset paging under concurrent writes, _total, _summary, _elements, _include/_revinclude. */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;

async function create(resource: Resource & Record<string, unknown>): Promise<string> {
  const res = await server.http.post(`/fhir/${resource.resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function get(url: string): Promise<Bundle> {
  const res = await server.http.get(url.startsWith('http') ? url.replace(server.baseUrl, '/fhir') : `/fhir/${url}`);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const linkOf = (bundle: Bundle, relation: string) => bundle.link?.find((l) => l.relation === relation)?.url;
const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match');
const included = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'include');
const idsOf = (entries: BundleEntry[]) => entries.map((e) => e.resource!.id!);

const org: Record<string, string> = {};
const patients: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  org.parent = await create({ resourceType: 'Organization', name: 'Parent Health' });
  org.child = await create({ resourceType: 'Organization', name: 'Child Clinic', partOf: { reference: `Organization/${org.parent}` } });
  const practitioner = await create({ resourceType: 'Practitioner', name: [{ family: 'Gp' }] });
  // 12 patients: families A..F twice, birth dates spread, managed by the child clinic
  for (let i = 0; i < 12; i++) {
    patients.push(await create({
      resourceType: 'Patient', name: [{ family: `Fam${String.fromCharCode(65 + (i % 6))}`, given: [`G${i}`] }],
      birthDate: `19${70 + i}-01-01`, managingOrganization: { reference: `Organization/${org.child}` },
      generalPractitioner: [{ reference: `Practitioner/${practitioner}` }],
    }));
  }
  for (const [i, patient] of patients.slice(1, 4).entries()) {
    for (let j = 0; j < 2; j++) {
      const observation = await create({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` },
        effectiveDateTime: `2024-0${i + 1}-1${j}T00:00:00Z` });
      await create({ resourceType: 'Provenance', target: [{ reference: `Observation/${observation}` }], recorded: '2024-01-01T00:00:00Z',
        agent: [{ who: { reference: `Practitioner/${practitioner}` } }] });
    }
  }
});
afterAll(() => server.close());

describe('_sort', () => {
  test('several keys, descending, _id and _lastUpdated', async () => {
    const bundle = await get('Patient?_sort=family,-birthdate&_count=100');
    const names = matches(bundle).map((e) => {
      const p = e.resource as { name: { family: string }[]; birthDate: string };
      return `${p.name[0].family} ${p.birthDate}`;
    });
    expect(names.slice(0, 4)).toEqual(['FamA 1976-01-01', 'FamA 1970-01-01', 'FamB 1977-01-01', 'FamB 1971-01-01']);
    const byLastUpdated = await get('Patient?_sort=-_lastUpdated&_count=3');
    expect(idsOf(matches(byLastUpdated))).toEqual([patients[11], patients[10], patients[9]]);
    const byId = idsOf(matches(await get('Patient?_sort=_id&_count=100')));
    expect(byId).toEqual([...byId].sort());
  });

  test('resources without a value for the sort key come last in both directions', async () => {
    const asc = idsOf(matches(await get('Observation?_sort=date&_count=100')));
    const desc = idsOf(matches(await get('Observation?_sort=-date&_count=100')));
    expect(desc).toEqual([...asc].reverse());
    const withUnsorted = idsOf(matches(await get('Organization?_sort=partof&_count=100')));
    expect(withUnsorted).toEqual([org.child, org.parent]);
  });
});

describe('paging', () => {
  async function walk(first: string, relation = 'next'): Promise<string[]> {
    const seen: string[] = [];
    let url: string | undefined = first;
    while (url) {
      const bundle = await get(url);
      seen.push(...idsOf(matches(bundle)));
      url = linkOf(bundle, relation);
    }
    return seen;
  }

  test('next links walk every match once, in order, with any sort', async () => {
    for (const sort of ['', '&_sort=family,birthdate', '&_sort=-birthdate', '&_sort=-_lastUpdated']) {
      const all = idsOf(matches(await get(`Patient?_count=100${sort}`)));
      expect(await walk(`Patient?_count=5${sort}`)).toEqual(all);
    }
  });

  test('previous links go back to the same pages', async () => {
    const page1 = await get('Patient?_count=5&_sort=family');
    const page2 = await get(linkOf(page1, 'next')!);
    const page3 = await get(linkOf(page2, 'next')!);
    expect(linkOf(page1, 'previous')).toBeUndefined();
    expect(linkOf(page3, 'next')).toBeUndefined();
    const back2 = await get(linkOf(page3, 'previous')!);
    expect(idsOf(matches(back2))).toEqual(idsOf(matches(page2)));
    const back1 = await get(linkOf(back2, 'previous')!);
    expect(idsOf(matches(back1))).toEqual(idsOf(matches(page1)));
    expect(linkOf(back1, 'previous')).toBeUndefined();
  });

  test('writes between pages neither skip nor repeat results that existed throughout', async () => {
    const page1 = await get('Patient?_count=4&_sort=family');
    const firstIds = idsOf(matches(page1));
    // Delete a patient already shown, insert one that sorts before the cursor and one after it.
    await server.http.delete(`/fhir/Patient/${firstIds[0]}`).expect(204);
    await create({ resourceType: 'Patient', name: [{ family: 'FamA', given: ['late'] }] });
    const lateZ = await create({ resourceType: 'Patient', name: [{ family: 'FamZ' }] });
    const rest = await walk(linkOf(page1, 'next')!);
    const everything = [...firstIds, ...rest];
    expect(new Set(everything).size).toBe(everything.length);
    for (const id of patients.filter((p) => p !== firstIds[0])) expect(everything).toContain(id);
    expect(rest).toContain(lateZ);
  });

  test('a tampered cursor is a 400 OperationOutcome', async () => {
    const res = await server.http.get('/fhir/Patient?_sort=birthdate&_cursor=eyJ2IjpbIm5vdC1hLWRhdGUiXSwiaWQiOiIxIiwiZCI6Im4ifQ');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/_cursor/);
  });
});

describe('_total, _summary, _elements', () => {
  test('_total=accurate counts all matches; estimate gives a number; a complete first page carries its total', async () => {
    expect((await get('Patient?_count=2&_total=accurate')).total).toBeGreaterThanOrEqual(12);
    expect(typeof (await get('Patient?_count=2&_total=estimate')).total).toBe('number');
    expect((await get('Patient?_count=2')).total).toBeUndefined();
    expect((await get('Organization')).total).toBe(2);
  });

  test('_summary=count returns only the total', async () => {
    const bundle = await get('Observation?_summary=count');
    expect(bundle.total).toBe(6);
    expect(bundle.entry ?? []).toEqual([]);
    const none = await get('Observation?_count=0');
    expect(none.total).toBe(6);
    expect(none.entry ?? []).toEqual([]);
  });

  test('_elements keeps the named elements (and mandatory ones) and marks the resource SUBSETTED', async () => {
    const bundle = await get('Patient?_elements=birthDate&_count=1');
    const patient = matches(bundle)[0].resource as unknown as Record<string, unknown> & { meta: { tag: { code: string }[] } };
    expect(Object.keys(patient).sort()).toEqual(['birthDate', 'id', 'meta', 'resourceType']);
    expect(patient.meta.tag.map((t) => t.code)).toContain('SUBSETTED');
    const observation = matches(await get('Observation?_elements=subject&_count=1'))[0].resource as unknown as Record<string, unknown>;
    expect(Object.keys(observation).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
  });
});

describe('_include and _revinclude', () => {
  test('_include adds each referenced resource once; _revinclude adds resources pointing at the matches', async () => {
    const bundle = await get(`Observation?subject=${patients[1]}&_include=Observation:subject&_revinclude=Provenance:target`);
    expect(matches(bundle)).toHaveLength(2);
    const includedTypes = included(bundle).map((e) => e.resource!.resourceType).sort();
    expect(includedTypes).toEqual(['Patient', 'Provenance', 'Provenance']);
  });

  test(':iterate follows references from included resources; * includes every reference', async () => {
    const once = await get(`Observation?subject=${patients[1]}&_include=Observation:subject&_include=Patient:organization`);
    expect(included(once).map((e) => e.resource!.resourceType).sort()).toEqual(['Patient']);
    const iterate = await get(`Observation?subject=${patients[1]}&_include=Observation:subject&_include:iterate=Patient:organization&_include:iterate=Organization:partof`);
    expect(included(iterate).map((e) => e.resource!.resourceType).sort()).toEqual(['Organization', 'Organization', 'Patient']);
    const wildcard = await get(`Patient?_id=${patients[1]}&_include=*`);
    expect(included(wildcard).map((e) => e.resource!.resourceType).sort()).toEqual(['Organization', 'Practitioner']);
    const revIterate = await get(`Patient?_id=${patients[1]}&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target`);
    expect(included(revIterate).map((e) => e.resource!.resourceType).sort()).toEqual(['Observation', 'Observation', 'Provenance', 'Provenance']);
  });

  test('each page is a bounded number of statements, whatever the page and include sizes', async () => {
    const counts: number[] = [];
    for (const count of [1, 100]) {
      server.statements.length = 0;
      await get(`Patient?_count=${count}&_sort=family&_total=accurate&_include=Patient:organization&_include:iterate=Organization:partof&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target`);
      counts.push(server.statements.length);
    }
    // page + total + at most 1 + MAX_INCLUDE_ITERATIONS include rounds
    for (const count of counts) expect(count).toBeLessThanOrEqual(6);
  });
});
