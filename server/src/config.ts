/** Configuration from the environment; every variable is optional (see README). */
import path from 'node:path';

export interface Config {
  port: number;
  baseUrl: string;
  databaseUrl?: string;
  dataDir: string;
  demo: boolean;
  logLevel: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    port,
    baseUrl: (env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    demo: env.DEMO !== undefined ? env.DEMO === '1' || env.DEMO === 'true' : !databaseUrl,
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
