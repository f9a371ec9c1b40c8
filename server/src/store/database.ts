/** Opens the database the server uses: DATABASE_URL when set, else the embedded PostgreSQL in DATA_DIR. */
import type { Pool } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { createPool } from './pool';

export interface Database {
  pool: Pool;
  close(): Promise<void>;
}

export async function openDatabase(options: { databaseUrl?: string; dataDir: string; onLog?: (m: string) => void }): Promise<Database> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: options.dataDir, onLog: options.onLog });
  const connectionString = options.databaseUrl ?? embedded!.connectionString;
  const pool = createPool(connectionString);
  return {
    pool,
    close: async () => {
      await pool.end();
      await embedded?.stop();
    },
  };
}
