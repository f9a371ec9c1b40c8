/**
 * A transaction on a plain pg client, for code that writes tables the Repository does not cover (the authorization
 * server's): like Repository.transaction, it runs work registered with afterCommit only once COMMIT succeeded.
 */
import type { Pool, PoolClient } from 'pg';

export interface PgTransaction {
  client: PoolClient;
  /** Runs `fn` after the commit (never after a rollback). `fn` must not throw: the transaction has committed. */
  afterCommit(fn: () => void): void;
}

export async function inPgTransaction<T>(pool: Pool, fn: (tx: PgTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const hooks: (() => void)[] = [];
  try {
    await client.query('BEGIN');
    const result = await fn({ client, afterCommit: (hook) => hooks.push(hook) });
    await client.query('COMMIT');
    for (const hook of hooks) hook();
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
