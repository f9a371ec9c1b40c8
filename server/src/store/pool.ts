/** The pg connection pool, configured once for the whole server. */
import { Pool, PoolClient, types } from 'pg';
import { badRequest } from '../errors';
import { DatabaseWatchdog } from './db-watchdog';

// bigint (res_id, seq, counts) stays a string: JavaScript numbers cannot hold every int8.
types.setTypeParser(types.builtins.INT8, (value) => value);

export interface PoolOptions {
  /**
   * Named (prepared) statements for the hot paths (store/sql.ts prepared()); false for a connection pooler that cannot
   * keep them (PgBouncer in transaction mode before 1.21, or without max_prepared_statements): DATABASE_PREPARED_STATEMENTS=off.
   */
  preparedStatements?: boolean;
}

export function createPool(connectionString: string, max = 20, options: PoolOptions = {}): Pool {
  // A request waits at most connectionTimeoutMillis for a connection: when the database is slower than the offered
  // load the queue stays bounded and the request gets a 503 with Retry-After (http/error-mapper.ts).
  const pool = new Pool({ connectionString, max, statement_timeout: 60_000, connectionTimeoutMillis: 10_000, application_name: 'iop-fhir' });
  // A connection that drops (database restart, admin kill) must not crash the process: an idle client is replaced
  // by the pool, and a checked-out one fails its query, which the request turns into an OperationOutcome.
  pool.on('error', () => undefined);
  // A frozen database (it accepts connections but never answers) is told from a slow query and answered with a 503
  // within seconds, instead of after the connect or statement timeout (db-watchdog.ts).
  const watchdog = new DatabaseWatchdog(pool, { connectionString, application_name: 'iop-fhir-watchdog' });
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    boundNamedStatements(client, options.preparedStatements === false ? 0 : MAX_NAMED_STATEMENTS);
    refuseUnstorableValues(client);
    watchdog.watch(client);
  });
  refuseUnstorableValues(pool);
  failFastWhileFrozen(pool, watchdog);
  return pool;
}

/** Prepared statements one connection keeps at most: each holds parse trees and plans in its backend's memory. */
const MAX_NAMED_STATEMENTS = 200;

/**
 * A named statement the connection has not prepared yet is sent unnamed (parsed and planned every time) once the
 * connection already keeps `max` of them, so no mix of requests grows a backend's memory without bound; `max` 0
 * sends every statement unnamed, for poolers that cannot keep them.
 */
function boundNamedStatements(client: PoolClient, max: number): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const prepared = (client as unknown as { connection?: { parsedStatements?: Record<string, unknown> } }).connection?.parsedStatements;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [config, ...rest] = args;
    if (config && typeof config === 'object' && typeof (config as { name?: unknown }).name === 'string') {
      const { name, ...unnamed } = config as { name: string };
      const known = prepared !== undefined && name in prepared;
      if (!known && (max === 0 || prepared === undefined || Object.keys(prepared).length >= max)) return query(unnamed, ...rest);
    }
    return query(...args);
  };
}

/** While the watchdog finds the database frozen, asking for a connection fails at once (503) instead of waiting. */
function failFastWhileFrozen(pool: Pool, watchdog: DatabaseWatchdog): void {
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
    if (!watchdog.isFrozen) return connect(...args);
    const callback = args.find((arg) => typeof arg === 'function') as ((err: Error) => void) | undefined;
    if (callback) {
      setImmediate(() => callback(watchdog.frozenError()));
      return undefined;
    }
    return Promise.reject(watchdog.frozenError());
  };
}

/**
 * The last line of defence for text PostgreSQL cannot take: a NUL character in a bound string fails inside the
 * server with "invalid byte sequence" (a 500). Every request layer checks its own input and names the parameter;
 * whatever slips past them is refused here, before the statement is sent, as a 400.
 */
function refuseUnstorableValues(target: Pool | PoolClient): void {
  const query = target.query.bind(target) as (...args: unknown[]) => unknown;
  (target as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [config, values] = args;
    const bound = Array.isArray(values) ? values : (config as { values?: unknown } | null)?.values;
    if (Array.isArray(bound) && bound.some(holdsNul)) {
      const err = badRequest('A value in the request contains a NUL character (\\u0000), which cannot be stored or searched');
      const callback = args.find((arg) => typeof arg === 'function') as ((err: Error) => void) | undefined;
      if (callback) {
        setImmediate(() => callback(err));
        return undefined;
      }
      return Promise.reject(err);
    }
    return query(...args);
  };
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  return Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes('\0'));
}
