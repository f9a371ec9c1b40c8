/**
 * What PostgreSQL itself does with the same JSON, without the server: plain `pg` against a current table and a
 * history table in the same database. Every figure of the server is also reported against these.
 * Each write is one round trip (a data-modifying CTE), as the server's own writes are.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS bench_raw (id text PRIMARY KEY, version integer NOT NULL, content jsonb NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_raw_history (
    id text NOT NULL, version integer NOT NULL, content jsonb NOT NULL, PRIMARY KEY (id, version));
`;

export class RawBaseline {
  private readonly pool: Pool;

  private constructor(url: string, connections: number) {
    this.pool = new Pool({ connectionString: url, max: connections, application_name: 'iop-bench-raw' });
  }

  static async open(url: string, connections: number): Promise<RawBaseline> {
    const raw = new RawBaseline(url, connections);
    await raw.pool.query(SCHEMA);
    return raw;
  }

  /** Inserts a new row and its first history row; returns the id. */
  async create(json: string): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      `WITH current AS (INSERT INTO bench_raw (id, version, content) VALUES ($1, 1, $2::jsonb) RETURNING id, version, content)
       INSERT INTO bench_raw_history (id, version, content) SELECT id, version, content FROM current`,
      [id, json],
    );
    return id;
  }

  async read(id: string): Promise<string> {
    const { rows } = await this.pool.query<{ content: unknown }>('SELECT content FROM bench_raw WHERE id = $1', [id]);
    if (rows.length !== 1) throw new Error(`raw read: ${id} not found`);
    return JSON.stringify(rows[0].content);
  }

  async update(id: string, json: string): Promise<void> {
    const { rowCount } = await this.pool.query(
      `WITH current AS (
         UPDATE bench_raw SET version = version + 1, content = $2::jsonb WHERE id = $1 RETURNING id, version, content)
       INSERT INTO bench_raw_history (id, version, content) SELECT id, version, content FROM current`,
      [id, json],
    );
    if (rowCount !== 1) throw new Error(`raw update: ${id} not found`);
  }

  async vread(id: string, version: number): Promise<string> {
    const { rows } = await this.pool.query<{ content: unknown }>(
      'SELECT content FROM bench_raw_history WHERE id = $1 AND version = $2', [id, version]);
    if (rows.length !== 1) throw new Error(`raw vread: ${id}/${version} not found`);
    return JSON.stringify(rows[0].content);
  }

  /** The history of one id, newest first, as an instance history is. */
  async history(id: string): Promise<string> {
    const { rows } = await this.pool.query<{ version: number; content: unknown }>(
      'SELECT version, content FROM bench_raw_history WHERE id = $1 ORDER BY version DESC LIMIT 50', [id]);
    if (rows.length === 0) throw new Error(`raw history: ${id} not found`);
    return JSON.stringify(rows);
  }

  /** A bundle's resources written in one transaction (one multi-row statement); returns how many. */
  async ingest(bundleText: string): Promise<number> {
    const bundle = JSON.parse(bundleText) as { entry?: Array<{ resource?: unknown }> };
    const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r) => r !== undefined);
    const ids = resources.map(() => randomUUID());
    const contents = resources.map((r) => JSON.stringify(r));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `WITH current AS (
           INSERT INTO bench_raw (id, version, content)
           SELECT id, 1, content::jsonb FROM unnest($1::text[], $2::text[]) AS t(id, content)
           RETURNING id, version, content)
         INSERT INTO bench_raw_history (id, version, content) SELECT id, version, content FROM current`,
        [ids, contents],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return resources.length;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
