/** Process entry: configuration, database (embedded or external), migrations, listen, graceful shutdown. */
import './polyfills';
import { createServer } from 'node:http';
import { createApp } from './app';
import type { ExportWorker } from './jobs/export-worker';
import { AuditLog } from './audit/audit-log';
import { systemAccess } from './auth/access-context';
import { readAuthSettings } from './auth/auth-settings';
import { prepareConformance } from './conformance/prepare-conformance';
import { createRepository } from './create-repository';
import { createDemoLogins } from './demo/demo-logins';
import { ensureRelabelWorker, stopRelabelWorker } from './jobs/part2-relabel';
import { seedDemoData } from './demo/seed-demo';
import './fhir/routes';
import { readConfig } from './config';
import { loadFhirDefinitions } from './fhir/definitions';
import { logger } from './logger';
import { openDatabase } from './store/database';
import { migrate } from './store/migrate';
import { answerClientErrors } from './http/client-errors';

const DRAIN_DEADLINE_MS = Number(process.env.DRAIN_DEADLINE_MS ?? 25_000);

async function main(): Promise<void> {
  const config = readConfig();
  if (!readAuthSettings(config.baseUrl).enforce) {
    logger.warn('AUTH=off: THE FHIR API IS OPEN: every request has full access without a token. Development only; never expose this server.');
  }
  logger.info({ external: !!config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }, 'starting database');
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onLog: (message) => logger.debug({ postgres: message.trim() }, 'embedded postgres'),
  });
  const applied = await migrate(database.pool);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  loadFhirDefinitions();
  await prepareConformance(createRepository(database.pool), logger);
  if (config.demo) {
    const repo = createRepository(database.pool);
    // The seed acts as the server itself, and every interaction it runs is audited like any other.
    const access = systemAccess(new AuditLog(database.pool));
    const demoCtx = { repo, baseUrl: `${config.baseUrl}/fhir`, requestId: 'demo-seed', access };
    // The process entry is where the real clock is read: the seed dates everything from this instant.
    const written = await seedDemoData(demoCtx, new Date());
    if (written) logger.info({ resources: written }, 'demo organisation seeded');
    const logins = await createDemoLogins(demoCtx, database.pool);
    if (logins.length) logger.info({ usernames: logins }, 'demo logins created (passwords in README "Demo logins")');
  }

  const app = createApp({ pool: database.pool, baseUrl: config.baseUrl, logger });
  const exportWorker = app.locals.exportWorker as ExportWorker;
  exportWorker.wake(); // exports left open by a previous run (or another process that stopped) carry on
  // Part 2 relabelling left open by a previous run (or queued by the migration that introduced labels) carries on.
  ensureRelabelWorker(createRepository(database.pool), (err) => logger.error({ err }, 'part 2 relabelling failed'));
  const server = createServer(app);
  answerClientErrors(server); // what Node's HTTP parser refuses is an OperationOutcome too
  server.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, url: config.baseUrl, fhir: `${config.baseUrl}/fhir` }, 'iop-fhir listening');
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining requests');
    server.close(() => {
      Promise.all([exportWorker.stop(), stopRelabelWorker()])
        .then(() => database.close())
        .then(() => logger.info('stopped'))
        .catch((err) => logger.error({ err }, 'error while stopping the database'))
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    // Requests still running after the drain deadline are cut off (orchestrators typically allow 30 s).
    setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
});
