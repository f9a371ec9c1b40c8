/**
 * What happens once per start, before any request is served (in the only process, or in a cluster's primary before
 * it forks): the database opened (the embedded PostgreSQL started when DATABASE_URL is unset), migrations applied,
 * our profiles and terminology loaded and stored, and the demo organisation seeded into an empty database.
 */
import { AuditLog } from '../audit/audit-log';
import { systemAccess } from '../auth/access-context';
import type { Config } from '../config';
import { prepareConformance } from '../conformance/prepare-conformance';
import { createRepository } from '../create-repository';
import { createDemoLogins } from '../demo/demo-logins';
import { seedDemoData } from '../demo/seed-demo';
import '../fhir/routes';
import { loadFhirDefinitions } from '../fhir/definitions';
import type { Logger } from '../logger';
import { openDatabase, type Database } from '../store/database';
import { migrate } from '../store/migrate';
import { seedProgressReporter } from './seed-progress';
import { collectStartupGarbage } from './startup-garbage';

export async function prepareDatabase(config: Config, logger: Logger, poolSize: number): Promise<Database> {
  logger.info({ external: !!config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }, 'starting database');
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize,
    preparedStatements: config.preparedStatements,
    onLog: (message) => logger.debug({ postgres: message.trim() }, 'embedded postgres'),
  });
  const applied = await migrate(database.pool);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  loadFhirDefinitions();
  collectStartupGarbage(); // the definitions' 35 MB of JSON text, before the next files are parsed
  await prepareConformance(createRepository(database.pool), logger);
  collectStartupGarbage();
  if (config.demo) {
    const repo = createRepository(database.pool);
    // The seed acts as the server itself, and every interaction it runs is audited like any other.
    const access = systemAccess(new AuditLog(database.pool));
    const demoCtx = { repo, baseUrl: `${config.baseUrl}/fhir`, requestId: 'demo-seed', access };
    // The process entry is where the real clock is read: the seed dates everything from this instant.
    const written = await seedDemoData(demoCtx, new Date(), seedProgressReporter(logger));
    if (written) logger.info({ resources: written }, 'demo organisation seeded');
    const logins = await createDemoLogins(demoCtx, database.pool);
    if (logins.length) logger.info({ usernames: logins }, 'demo logins created (passwords in README "Demo logins")');
  }
  return database;
}
