/**
 * The PostgreSQL a benchmark run uses: DATABASE_URL when set, else an embedded PostgreSQL in a temporary
 * directory. Either way the run gets its own fresh database, dropped at the end, so figures never depend on
 * what an earlier run left behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../server/src/store/embedded-postgres';

export interface BenchDatabase {
  /** Connection string of the run's own database. */
  url: string;
  kind: 'embedded' | 'external';
  postgresVersion: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  let adminUrl: string;
  let stopServer = async () => undefined as void;
  if (external) {
    adminUrl = external;
    log(`database: external PostgreSQL from DATABASE_URL`);
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iop-bench-'));
    log(`database: embedded PostgreSQL in ${dir}`);
    const embedded = await startEmbeddedPostgres({ dataDir: dir });
    adminUrl = embedded.connectionString;
    stopServer = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const name = `iop_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const postgresVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  // The name is ours (hex digits), never input: CREATE DATABASE takes no placeholders.
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  return {
    url,
    kind: external ? 'external' : 'embedded',
    postgresVersion,
    close: async () => {
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
      await stopServer();
    },
  };
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}
