/**
 * A real server for one test file: its own database cloned from the migrated template, the real express app,
 * and a supertest agent. Counts SQL statements so tests can assert bounded queries.
 */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { Client, Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { DEFAULT_CONFORMANCE_DIRECTORIES, loadConformance } from '../../server/src/conformance/load-conformance';
import { storeConformanceResources } from '../../server/src/conformance/store-conformance';
import { createRepository } from '../../server/src/create-repository';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { stopRelabelWorker } from '../../server/src/jobs/part2-relabel';
import { stopReindexWorker } from '../../server/src/search/reindex/reindex-worker';
import { startCacheListener, stopCacheListener } from '../../server/src/store/cache-invalidation';
import { createPool } from '../../server/src/store/pool';
import { mintAdminToken, mintToken, TokenContext } from './auth-tokens';
import { TEMPLATE_DB, withDatabase } from './test-databases';

export type TestAgent = ReturnType<typeof request.agent>;

export interface TestServer {
  app: Express;
  pool: Pool;
  baseUrl: string;
  /** Sends an all-access admin backend token (system/*.cruds) with every request. */
  http: TestAgent;
  /** No Authorization header: what an app without a token gets. */
  anonymous: ReturnType<typeof request>;
  /** An agent whose token has exactly these scopes and launch context (see support/auth-tokens.ts). */
  as(scopes: string, context?: TokenContext): Promise<TestAgent>;
  /** SQL statements run since the last reset. */
  statements: string[];
  close(): Promise<void>;
}

export const TEST_BASE_URL = 'http://localhost:8080';
export const FHIR_BASE = `${TEST_BASE_URL}/fhir`;

export interface TestServerOptions {
  /** Folders of test-only profiles/terminology, loaded on top of profiles/ and terminology/. */
  conformanceDirectories?: string[];
  /** Also store the loaded profiles/terminology as resources, as the server does at start (costs time). */
  storeConformance?: boolean;
  /** The instant FHIR requests act at (AppOptions.clock); default the real clock. */
  clock?: () => Date;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  loadFhirDefinitions();
  const conformance = loadConformance([...DEFAULT_CONFORMANCE_DIRECTORIES, ...(options.conformanceDirectories ?? [])]);
  const adminUrl = process.env.IOP_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('IOP_TEST_ADMIN_URL is not set: run tests through jest (global-setup)');
  const database = `iop_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  const pool = createPool(withDatabase(adminUrl, database), 60);
  if (options.storeConformance) await storeConformanceResources(createRepository(pool), conformance.resources);
  const statements: string[] = [];
  const app = createApp({
    pool,
    baseUrl: TEST_BASE_URL,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    auth: { enforce: true },
    clock: options.clock,
    // The AuditEvent every write records in its transaction is constant overhead, not part of what tests measure.
    onStatement: (text) => {
      if (!text.startsWith('INSERT INTO audit_event')) statements.push(text);
    },
  });
  // As in the server: caches follow the database through this file's own listening connection.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  await startCacheListener({ pool, log: logger });
  const adminToken = await mintAdminToken(app);
  return {
    app,
    pool,
    baseUrl: FHIR_BASE,
    http: request.agent(app).set('Authorization', `Bearer ${adminToken}`),
    anonymous: request(app),
    as: async (scopes, context) => request.agent(app).set('Authorization', `Bearer ${await mintToken(app, scopes, context)}`),
    statements,
    close: async () => {
      await (app.locals.jobWorkers as { stop(): Promise<void> } | undefined)?.stop();
      // Writing an active SearchParameter (e.g. storeConformance) starts this process's reindex worker on this pool.
      await stopReindexWorker();
      await stopRelabelWorker(); // writing a HealthcareService or the SUD ValueSet queues Part 2 relabelling
      await stopCacheListener();

      await pool.end();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
