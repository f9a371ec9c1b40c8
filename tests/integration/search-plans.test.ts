/**
 * The hot IOP searches are answered from indexes: every statement the server runs for them (the page, and the
 * _include/_revinclude rounds) is EXPLAINed, and no plan may scan the resource table or an index table whole.
 * The data set is small, so sequential scans are priced out (enable_seqscan = off): a Seq Scan that remains means
 * no index can answer that part of the query. The benchmark (bench/search-bench.ts) shows the same plans at scale.
 */
import '../../server/src/polyfills';
import { Pool } from 'pg';
import { familyOf, generatePatients } from '../../bench/search-data';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
const captured: { text: string; values: unknown[] }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  await generatePatients(server.pool, 0, 60, () => undefined);
  await server.pool.query('ANALYZE');
  // Record every statement with its values, as the server sends it.
  const pool = server.pool as Pool & { query: (...args: unknown[]) => unknown };
  const original = pool.query.bind(pool);
  pool.query = ((text: unknown, values?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values)) captured.push({ text, values });
    return (original as (...a: unknown[]) => unknown)(text, values);
  }) as typeof pool.query;
}, 120_000);
afterAll(() => server.close());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode, found: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) found.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, found);
  return found;
}

async function scannedTables(path: string): Promise<{ statements: number; scans: string[] }> {
  captured.length = 0;
  const res = await server.http.get(`/fhir/${path}`);
  expect(res.status).toBe(200);
  expect(res.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match').length).toBeGreaterThan(0);
  const client = await server.pool.connect();
  const scans: string[] = [];
  try {
    await client.query('SET enable_seqscan = off');
    for (const { text, values } of captured) {
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
      scans.push(...seqScans(rows[0]['QUERY PLAN'][0].Plan));
    }
  } finally {
    await client.query('RESET enable_seqscan');
    client.release();
  }
  return { statements: captured.length, scans };
}

test.each([
  ['Observation?patient=Patient/pat-7&code=http://loinc.org|44261-6&date=ge2024-01-01'],
  ['Observation?patient=pat-7&code=44261-6'],
  ['Appointment?actor=Practitioner/prac-0&date=ge2024-01-01&date=lt2024-03-01'],
  ['Encounter?patient=Patient/pat-9&date=ge2024-02-01'],
  ['Patient?identifier=http://iop.example.org/mrn|MRN12'],
  [`Patient?name=${familyOf(2)}`],
  [`Patient?family=${familyOf(3).slice(0, 4)}&birthdate=ge1950`],
  ['Observation?subject:Patient.identifier=http://iop.example.org/mrn|MRN12&code=70274-6'],
  ['Practitioner?_has:Appointment:actor:patient=Patient/pat-3'],
  ['Appointment?actor=Practitioner/prac-0&date=ge2024-01-01&_include=Appointment:patient&_include:iterate=Patient:organization'],
  ['Patient?_id=pat-3&_revinclude=Observation:patient&_revinclude=Encounter:patient'],
  ['Observation?patient=pat-7&_sort=-date'],
  // every type of the compartment (R4 http.html#search `[compartment]/[id]/*`), and some of them
  ['Patient/pat-7/*'],
  ['Patient/pat-7/*?_type=Observation,Encounter&_sort=-_lastUpdated'],
])('%s uses indexes only', async (path) => {
  const { statements, scans } = await scannedTables(path);
  expect(statements).toBeGreaterThan(0);
  expect(scans).toEqual([]);
});
