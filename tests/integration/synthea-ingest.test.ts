/** Every public Synthea bundle loads as a transaction, with all references resolved to server ids. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, TestServer } from '../support/test-server';
import { mentalHealthFiles, patients50Files } from '../support/synthea';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Loads `first` in order, then the rest two at a time (they are independent of each other). */
async function load(first: string[], rest: string[]): Promise<number> {
  let entries = 0;
  for (const file of first) entries += await loadOne(file);
  for (let i = 0; i < rest.length; i += 2) {
    const counts = await Promise.all(rest.slice(i, i + 2).map(loadOne));
    entries += counts.reduce((a, b) => a + b, 0);
  }
  return entries;
}

async function loadOne(file: string): Promise<number> {
  const text = readFileSync(file, 'utf8');
  const res = await server.http.post('/fhir').set('Content-Type', 'application/fhir+json').send(text);
  if (res.status !== 200) throw new Error(`${path.basename(file)}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  expect(res.body.type).toBe('transaction-response');
  expect(res.body.entry.every((e: { response: { status: string } }) => /^20[01]$/.test(e.response.status))).toBe(true);
  return res.body.entry.length as number;
}

test('all 50 patients50 bundles (hospital and practitioner bundles first) load without error', async () => {
  const files = patients50Files();
  const shared = files.filter((f) => /hospitalInformation|practitionerInformation/.test(path.basename(f)));
  const entries = await load(shared, files.filter((f) => !shared.includes(f)));
  const { rows } = await server.pool.query('SELECT count(*)::int AS n FROM resource WHERE NOT deleted');
  expect(rows[0].n).toBe(entries);
  const dangling = await server.pool.query(`SELECT count(*)::int AS n FROM resource WHERE content::text LIKE '%urn:uuid:%'`);
  expect(dangling.rows[0].n).toBe(0);
}, 600_000);

test('the mental-health bundles with conditional references load after their stubs', async () => {
  const files = mentalHealthFiles();
  expect(path.basename(files[0])).toBe('00-conditional-ref-stubs.json');
  await load(files.slice(0, 1), files.slice(1));
  const conditional = await server.pool.query(
    `SELECT count(*)::int AS n FROM resource WHERE content::text ~ '"reference": ?"[A-Za-z]+\\?identifier='`);
  expect(conditional.rows[0].n).toBe(0);
  const phq = await server.pool.query(
    `SELECT count(*)::int AS n FROM idx_token WHERE resource_type = 'Observation' AND param = 'code' AND code = '44261-6'`);
  expect(phq.rows[0].n).toBeGreaterThan(0);
}, 600_000);
