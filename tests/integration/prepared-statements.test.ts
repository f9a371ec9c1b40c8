/**
 * Hot statements run as named (prepared) statements (issue 18): a read by id, the write of a resource and the audit
 * INSERT are parsed once per connection, but never a statement carrying an access filter; no mix of statements makes
 * a connection keep more than 200 of them; and
 * DATABASE_PREPARED_STATEMENTS=off (for a pooler that cannot keep them) sends every statement unnamed.
 */
import type { Pool } from 'pg';
import { createRepository } from '../../server/src/create-repository';
import { readConfig } from '../../server/src/config';
import { createPool } from '../../server/src/store/pool';
import { prepared, raw, sql } from '../../server/src/store/sql';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
const pools: Pool[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const pool of pools) await pool.end();
  await server.close();
});

/** A pool of one connection, so pg_prepared_statements (which is per session) shows what its statements left. */
function oneConnection(preparedStatements?: boolean): Pool {
  const url = (server.pool as unknown as { options: { connectionString: string } }).options.connectionString;
  const pool = createPool(url, 1, { preparedStatements });
  pools.push(pool);
  return pool;
}

async function namedStatements(pool: Pool): Promise<string[]> {
  return (await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE NOT from_sql')).rows.map((r) => r.statement);
}

test('a write, a read by id and a version read run as named statements, parsed once per connection', async () => {
  const pool = oneConnection();
  const repo = createRepository(pool);
  const written = await repo.write({ resourceType: 'Patient', id: 'prepared-1', method: 'PUT', resource: { resourceType: 'Patient', name: [{ family: 'Prepared' }] } });
  for (let i = 0; i < 3; i++) expect((await repo.readCurrent('Patient', 'prepared-1'))?.resource).toMatchObject({ name: [{ family: 'Prepared' }] });
  expect((await repo.readVersion('Patient', 'prepared-1', written.versionId))?.versionId).toBe(1);
  const statements = await namedStatements(pool);
  expect(statements.filter((s) => s.includes('FROM resource r WHERE r.resource_type'))).toHaveLength(1);
  expect(statements.some((s) => s.includes('FROM resource_history WHERE resource_type'))).toBe(true);
  expect(statements.some((s) => s.includes('INSERT INTO resource_history'))).toBe(true);
});

test('a connection keeps at most 200 named statements; the rest still run, unnamed', async () => {
  const pool = oneConnection();
  const repo = createRepository(pool);
  for (let i = 0; i < 230; i++) {
    const [row] = await repo.query<{ n: number }>(prepared(sql`SELECT ${raw(String(i))}::int + ${1}::int AS n`));
    expect(row.n).toBe(i + 1);
  }
  const count = (await namedStatements(pool)).length;
  expect(count).toBeGreaterThan(150);
  expect(count).toBeLessThanOrEqual(200);
});

test('a read carrying an access filter is never named (a generic plan cannot see which arm of the filter a row takes)', async () => {
  const pool = oneConnection();
  const repo = createRepository(pool);
  await repo.write({ resourceType: 'Patient', id: 'filtered-1', method: 'PUT', resource: { resourceType: 'Patient', name: [{ family: 'Filtered' }] } });
  for (let i = 0; i < 7; i++) expect((await repo.readCurrent('Patient', 'filtered-1', sql`r.part2_patients IS NULL`))?.id).toBe('filtered-1');
  expect((await namedStatements(pool)).filter((s) => s.includes('part2_patients IS NULL'))).toEqual([]);
});

test('DATABASE_PREPARED_STATEMENTS=off sends every statement unnamed', async () => {
  expect(readConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).preparedStatements).toBe(false);
  expect(readConfig({}).preparedStatements).toBe(true);
  const pool = oneConnection(false);
  const repo = createRepository(pool);
  await repo.write({ resourceType: 'Patient', id: 'unnamed-1', method: 'PUT', resource: { resourceType: 'Patient', name: [{ family: 'Unnamed' }] } });
  expect((await repo.readCurrent('Patient', 'unnamed-1'))?.id).toBe('unnamed-1');
  expect(await namedStatements(pool)).toEqual([]);
});

test('the server answers reads through its named statements as before (200, then 404 for an unknown id)', async () => {
  const created = await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: 'ViaHttp' }] }).expect(201);
  for (let i = 0; i < 7; i++) await server.http.get(`/fhir/Patient/${created.body.id}`).expect(200); // past PostgreSQL's 5 custom plans
  await server.http.get('/fhir/Patient/no-such-patient').expect(404);
});
