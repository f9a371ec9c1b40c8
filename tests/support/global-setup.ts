/**
 * Once per `npm test`: a PostgreSQL (embedded in a temp dir, or DATABASE_URL) with a migrated template database
 * that each test file clones, so files run in parallel in isolation.
 */
import '../../server/src/polyfills';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../server/src/store/embedded-postgres';
import { createPool } from '../../server/src/store/pool';
import { migrate } from '../../server/src/store/migrate';
import { TEMPLATE_DB, withDatabase } from './test-databases';

export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'iop-fhir-test-'));
    const embedded = await startEmbeddedPostgres({ dataDir });
    (globalThis as Record<string, unknown>).__IOP_EMBEDDED__ = { embedded, dataDir };
    adminUrl = embedded.connectionString;
  }
  process.env.IOP_TEST_ADMIN_URL = adminUrl;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const pool = createPool(withDatabase(adminUrl, TEMPLATE_DB), 2);
  await migrate(pool);
  await pool.end();
}
