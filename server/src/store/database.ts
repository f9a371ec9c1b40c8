/** Opens the database the server uses: DATABASE_URL when set, else the embedded PostgreSQL in DATA_DIR. */
import type { Pool } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { createPool } from './pool';

export interface Database {
  pool: Pool;
  /** What the pool connects to: DATABASE_URL, or the embedded PostgreSQL started here (handed to worker processes). */
  connectionString: string;
  close(): Promise<void>;
}

export async function openDatabase(options: {
  databaseUrl?: string; dataDir: string; poolSize?: number; preparedStatements?: boolean; onLog?: (m: string) => void;
}): Promise<Database> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: options.dataDir, onLog: options.onLog });
  const connectionString = options.databaseUrl ?? embedded!.connectionString;
  const pool = createPool(connectionString, options.poolSize, { preparedStatements: options.preparedStatements });
  return {
    pool,
    connectionString,
    close: async () => {
      await pool.end();
      await embedded?.stop();
    },
  };
}
