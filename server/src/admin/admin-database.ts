/**
 * The database the admin command line works on: the one the server uses. DATABASE_URL when set; otherwise the
 * embedded PostgreSQL in DATA_DIR — joined on its port when the server (postmaster.pid) is running, else started
 * for the duration of the command and stopped again.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { startEmbeddedPostgres } from '../store/embedded-postgres';
import { migrate } from '../store/migrate';
import { createPool } from '../store/pool';

export interface AdminDatabase {
  pool: Pool;
  description: string;
  close(): Promise<void>;
}

export async function openAdminDatabase(env: NodeJS.ProcessEnv = process.env): Promise<AdminDatabase> {
  if (env.DATABASE_URL) return withPool(createPool(env.DATABASE_URL, 2), 'DATABASE_URL', async () => undefined);
  const dataDir = path.resolve(env.DATA_DIR ?? 'data');
  const runningPort = runningPostgresPort(path.join(dataDir, 'pg'));
  if (runningPort) {
    return withPool(createPool(`postgres://postgres:postgres@127.0.0.1:${runningPort}/postgres`, 2), `running embedded PostgreSQL in ${dataDir}`, async () => undefined);
  }
  const embedded = await startEmbeddedPostgres({ dataDir });
  return withPool(createPool(embedded.connectionString, 2), `embedded PostgreSQL in ${dataDir} (started for this command)`, () => embedded.stop());
}

async function withPool(pool: Pool, description: string, stop: () => Promise<void>): Promise<AdminDatabase> {
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    await stop();
    throw err;
  }
  return {
    pool,
    description,
    close: async () => {
      await pool.end();
      await stop();
    },
  };
}

/** The port of a live postmaster for this data directory (line 4 of postmaster.pid), if one is running. */
function runningPostgresPort(databaseDir: string): number | undefined {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}
