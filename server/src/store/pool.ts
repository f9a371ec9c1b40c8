/** The pg connection pool, configured once for the whole server. */
import { Pool, types } from 'pg';

// bigint (res_id, seq, counts) stays a string: JavaScript numbers cannot hold every int8.
types.setTypeParser(types.builtins.INT8, (value) => value);

export function createPool(connectionString: string, max = 20): Pool {
  const pool = new Pool({ connectionString, max, statement_timeout: 60_000, application_name: 'iop-fhir' });
  pool.on('error', () => undefined); // an idle client's connection dropped; the pool replaces it
  return pool;
}
