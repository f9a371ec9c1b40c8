/**
 * A cluster's primary (WORKERS > 1): prepares the database once (embedded PostgreSQL, migrations, conformance, demo
 * seed), leads the background work, then forks WORKERS server processes that share the HTTP port (node:cluster
 * hands connections out in turn). A worker that dies is replaced, after a growing pause if it keeps dying at start.
 * SIGTERM/SIGINT drains every worker, then stops the background work and the database.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config';
import { logger } from '../logger';
import { startCacheListener, stopCacheListener } from '../store/cache-invalidation';
import { startBackgroundWork } from './background-work';
import { prepareDatabase } from './prepare-database';
import { collectStartupGarbage } from './startup-garbage';
import { stopOnSignal } from './serve-http';

const PRIMARY_POOL_SIZE = 5;
/** A worker that lives shorter than this counts as dying at start. */
const HEALTHY_AFTER_MS = 10_000;
const DRAIN_DEADLINE_MS = Number(process.env.DRAIN_DEADLINE_MS ?? 25_000);

export async function runClusterPrimary(config: Config): Promise<void> {
  const database = await prepareDatabase(config, logger, PRIMARY_POOL_SIZE);
  await startCacheListener({ pool: database.pool, connectionString: config.cacheListenUrl, log: logger });
  const background = startBackgroundWork(database.pool, logger);
  collectStartupGarbage();
  // Workers open the database the primary prepared, and inherit everything else from this environment.
  const workerEnv = { DATABASE_URL: database.connectionString, DEMO: '0' };
  let stopping = false;
  let failedStarts = 0;
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork(workerEnv), Date.now());

  let started = false;
  const firstStart = new Promise<number>((resolve, reject) => {
    const listening = new Set<Worker>();
    cluster.on('listening', (worker, address) => {
      listening.add(worker);
      if (!started && listening.size === config.workers) {
        started = true;
        resolve(address.port);
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      listening.delete(worker);
      if (stopping) return;
      // Before every worker has listened once, a death is a failed start (a bad setting, a taken port), not bad luck.
      if (!started) {
        reject(new Error(`worker ${worker.process.pid} exited (${signal ?? code}) before the server was listening`));
        return;
      }
      failedStarts = lived < HEALTHY_AFTER_MS ? failedStarts + 1 : 0;
      const pause = failedStarts === 0 ? 0 : Math.min(30_000, 500 * 2 ** (failedStarts - 1));
      logger.warn({ pid: worker.process.pid, code, signal, replaceInMs: pause }, 'worker died; replacing it');
      background.resumeJobs(); // an export or import it held carries on here once its heartbeat is stale
      setTimeout(() => {
        if (!stopping) fork();
      }, pause).unref();
    });
  });

  const stop = async () => {
    stopping = true;
    await drainWorkers();
    await background.stop();
    await stopCacheListener();
    await database.close();
  };
  stopOnSignal(logger, stop);
  for (let i = 0; i < config.workers; i++) fork();
  try {
    const port = await firstStart;
    const pids = Object.values(cluster.workers ?? {}).map((w) => w?.process.pid);
    logger.info({ port, url: config.baseUrl, fhir: `${config.baseUrl}/fhir`, workers: config.workers, pids }, 'iop-fhir listening');
  } catch (err) {
    stopping = true;
    await stop().catch(() => undefined);
    throw err;
  }
}

/** SIGTERM to every worker (each drains its requests); those still running after the drain deadline are killed. */
async function drainWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    const killer = setTimeout(() => worker.process.kill('SIGKILL'), DRAIN_DEADLINE_MS + 5_000);
    killer.unref();
    worker.process.kill('SIGTERM');
  })));
}
