/** Applies the numbered, forward-only SQL migrations in ./migrations once each, under a transaction-scoped advisory lock. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { inPgTransaction } from './pg-transaction';
import { SERVER_SOURCE_DIR } from '../repo-root';

const MIGRATIONS_DIR = path.join(SERVER_SOURCE_DIR, 'store', 'migrations');
const MIGRATION_LOCK = 72_011_001;

export function listMigrations(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8') }));
}

/**
 * Each migration runs in its own transaction under a transaction-scoped advisory lock, and checks again under the
 * lock whether another process applied it meanwhile. No session-level lock: through a transaction-mode pooler
 * (PgBouncer) a session lock and its unlock could land on different server connections.
 */
export async function migrate(pool: Pool): Promise<string[]> {
  await inLockedTransaction(pool, (client) =>
    client.query('CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())'));
  const done = new Set((await pool.query<{ name: string }>('SELECT name FROM schema_migration')).rows.map((r) => r.name));
  const applied: string[] = [];
  for (const migration of listMigrations()) {
    if (done.has(migration.name)) continue;
    const ran = await inLockedTransaction(pool, async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM schema_migration WHERE name = $1', [migration.name]);
      if (rowCount) return false;
      try {
        await client.query(migration.sql);
      } catch (err) {
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`);
      }
      await client.query('INSERT INTO schema_migration (name) VALUES ($1)', [migration.name]);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

async function inLockedTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return inPgTransaction(pool, async ({ client }) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    return fn(client);
  });
}

/** True when every migration file has been applied (used by /readyz). */
export async function migrationsApplied(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ name: string }>('SELECT name FROM schema_migration');
  const done = new Set(rows.map((r) => r.name));
  return listMigrations().every((m) => done.has(m.name));
}
