/** The pg connection pool, configured once for the whole server. */
import { Pool, types } from 'pg';

// bigint (res_id, seq, counts) stays a string: JavaScript numbers cannot hold every int8.
types.setTypeParser(types.builtins.INT8, (value) => value);

export function createPool(connectionString: string, max = 20): Pool {
  // A request waits at most connectionTimeoutMillis for a connection: when the database is slower than the offered
  // load the queue stays bounded and the request gets a 503 with Retry-After (http/error-mapper.ts).
  const pool = new Pool({ connectionString, max, statement_timeout: 60_000, connectionTimeoutMillis: 10_000, application_name: 'iop-fhir' });
  // A connection that drops (database restart, admin kill) must not crash the process: an idle client is replaced
  // by the pool, and a checked-out one fails its query, which the request turns into an OperationOutcome.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
