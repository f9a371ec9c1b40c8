/** The pg connection pool, configured once for the whole server. */
import { Pool, types } from 'pg';

// bigint (res_id, seq, counts) stays a string: JavaScript numbers cannot hold every int8.
types.setTypeParser(types.builtins.INT8, (value) => value);

export function createPool(connectionString: string, max = 20): Pool {
  const pool = new Pool({ connectionString, max, statement_timeout: 60_000, application_name: 'iop-fhir' });
  // A connection that drops (database restart, admin kill) must not crash the process: an idle client is replaced
  // by the pool, and a checked-out one fails its query, which the request turns into an OperationOutcome.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
