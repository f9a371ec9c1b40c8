/**
 * A process that answers requests: the only one (WORKERS=1: it also prepares the database and leads the background
 * work), or one of a cluster's workers (the primary prepared the database and passes DATABASE_URL). Either way it
 * listens for cache invalidations before it serves, and drains its requests on SIGTERM/SIGINT.
 */
import { createApp } from '../app';
import type { Config } from '../config';
import { collectStartupGarbage } from './startup-garbage';
import { loadConformance } from '../conformance/load-conformance';
import '../fhir/routes';
import { loadFhirDefinitions } from '../fhir/definitions';
import type { JobWorkers } from '../jobs/job-workers';
import { stopRelabelWorker } from '../jobs/part2-relabel';
import { logger } from '../logger';
import { startCacheListener, stopCacheListener } from '../store/cache-invalidation';
import { stopReindexWorker } from '../search/reindex/reindex-worker';
import { openDatabase } from '../store/database';
import { startBackgroundWork } from './background-work';
import { prepareDatabase } from './prepare-database';
import { serveHttp, stopOnSignal } from './serve-http';

export async function runSingleProcess(config: Config): Promise<void> {
  const database = await prepareDatabase(config, logger, config.poolSize);
  await startCacheListener({ pool: database.pool, connectionString: config.cacheListenUrl, log: logger });
  const app = createApp({ pool: database.pool, baseUrl: config.baseUrl, logger, backgroundWork: false });
  const background = startBackgroundWork(database.pool, logger, app.locals.jobWorkers as JobWorkers);
  collectStartupGarbage();
  const http = serveHttp(app, config.port, (port) => {
    logger.info({ port, url: config.baseUrl, fhir: `${config.baseUrl}/fhir`, workers: 1 }, 'iop-fhir listening');
  });
  stopOnSignal(logger, async () => {
    await http.drain();
    await background.stop();
    await stopCacheListener();
    await database.close();
  });
}

export async function runWorkerProcess(config: Config): Promise<void> {
  if (!config.databaseUrl) throw new Error('a worker process needs DATABASE_URL from its primary');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize, preparedStatements: config.preparedStatements });
  // The same content as the primary, from the same files; what the database adds comes with the listener's reload.
  loadFhirDefinitions();
  collectStartupGarbage(); // the definitions' 35 MB of JSON text, before the next files are parsed
  const conformance = loadConformance();
  for (const problem of conformance.problems) logger.debug(problem, 'conformance resource skipped');
  await startCacheListener({ pool: database.pool, connectionString: config.cacheListenUrl, log: logger });
  const app = createApp({ pool: database.pool, baseUrl: config.baseUrl, logger, backgroundWork: false });
  const jobWorkers = app.locals.jobWorkers as JobWorkers;
  collectStartupGarbage();
  const http = serveHttp(app, config.port, (port) => logger.info({ port, pid: process.pid }, 'worker listening'));
  stopOnSignal(logger, async () => {
    await http.drain();
    // A worker runs the exports and imports it was asked to start, and the reindex or relabelling its own writes queued.
    await Promise.all([jobWorkers.stop(), stopRelabelWorker(), stopReindexWorker()]);
    await stopCacheListener();
    await database.close();
  });
}
