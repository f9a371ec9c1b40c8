/**
 * Process entry (`npm start` runs the compiled build of this file): WORKERS=1 runs one process that prepares the
 * database and serves; otherwise this process becomes a cluster primary that prepares the database and forks WORKERS
 * server processes sharing the port (default: one per core). See process/.
 */
import './polyfills';
import cluster from 'node:cluster';
import { readAuthSettings } from './auth/auth-settings';
import { readConfig } from './config';
import { logger } from './logger';
import { runClusterPrimary } from './process/cluster-primary';
import { runSingleProcess, runWorkerProcess } from './process/server-process';

async function main(): Promise<void> {
  const config = readConfig();
  if (cluster.isWorker) return runWorkerProcess(config);
  if (!readAuthSettings(config.baseUrl).enforce) {
    logger.warn('AUTH=off: THE FHIR API IS OPEN: every request has full access without a token. Development only; never expose this server.');
  }
  return config.workers > 1 ? runClusterPrimary(config) : runSingleProcess(config);
}

main().catch((err) => {
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
});
