/** Configuration from the environment; every variable is optional (see README). */
import os from 'node:os';
import path from 'node:path';

export interface Config {
  port: number;
  baseUrl: string;
  databaseUrl?: string;
  /** Where each process LISTENs for cache invalidations: PostgreSQL itself, also when DATABASE_URL is a pooler. */
  cacheListenUrl?: string;
  dataDir: string;
  demo: boolean;
  logLevel: string;
  /** Server processes sharing the HTTP port (1: this process serves, no cluster). */
  workers: number;
  /** Database connections per server process. */
  poolSize: number;
  /** Hot statements run as named (prepared) statements; off for poolers that cannot keep them. */
  preparedStatements: boolean;
  /** Bulk `$import` with storageDetail type `file` reads only under this directory; unset: such imports are refused. */
  importFileRoot?: string;
  /** The largest input file a Bulk `$import` pulls (a larger export is split into several inputs). */
  importMaxFileBytes: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  const workers = positiveInteger(env, 'WORKERS', os.availableParallelism());
  return {
    port,
    baseUrl: (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl,
    cacheListenUrl: env.CACHE_LISTEN_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    demo: env.DEMO !== undefined ? env.DEMO === '1' || env.DEMO === 'true' : !databaseUrl,
    logLevel: env.LOG_LEVEL ?? 'info',
    workers,
    // About 40 connections in all by default, however many processes share them (PostgreSQL's default limit is 100).
    poolSize: positiveInteger(env, 'DATABASE_POOL_SIZE', workers === 1 ? 20 : Math.max(5, Math.ceil(40 / workers))),
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS !== 'off',
    importFileRoot: env.IMPORT_FILE_ROOT ? path.resolve(env.IMPORT_FILE_ROOT) : undefined,
    importMaxFileBytes: positiveInteger(env, 'IMPORT_MAX_FILE_MB', 64) * 1024 * 1024,
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not ${text}`);
  return value;
}
