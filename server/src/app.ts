/** Express assembly: request ids, metrics, health, the FHIR API, and the one error handler. */
import express, { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import './fhir/routes';
import type { AuthOverrides } from './auth/auth-settings';
import { refusalRecord, wasAudited } from './audit/refusal-audit';
import { startAuditSealer } from './audit/audit-sealer';
import { startAuthHousekeeping } from './auth/auth-housekeeping';
import { createAuth } from './auth/create-auth';
import { notFound } from './errors';
import { mapError } from './http/error-mapper';
import { bulkExportRoutes } from './http/bulk-export-routes';
import { bulkImportRoutes } from './http/bulk-import-routes';
import { compressResponses } from './http/compress-responses';
import { profilePages } from './http/profile-pages';
import { startJobWorkers } from './jobs/job-workers';
import { landingPage } from './http/landing-page';
import { smartApps } from './http/smart-apps';
import { fhirEndpoint } from './http/fhir-endpoint';
import { metricsRegistry, recordMetrics } from './http/metrics';
import { assignRequestId, requestIdOf } from './http/request-id';
import { checkRequestUrl } from './http/url-guard';
import { writeOutcome } from './http/response-writer';
import type { Logger } from './logger';
import { createRepository } from './create-repository';
import { migrationsApplied } from './store/migrate';

/** /readyz answers within this, database or not. */
const READY_DEADLINE_MS = 2_000;

export interface AppOptions {
  pool: Pool;
  baseUrl: string;
  logger: Logger;
  bodyLimit?: string;
  onStatement?: (text: string) => void;
  /** Overrides the AUTH environment variable (tests turn enforcement on explicitly). */
  auth?: AuthOverrides;
  /**
   * The instant each FHIR request acts at (ctx.now: IOP "today", sessions started, due dates); default the real
   * clock. Tests pin it so the server and the test agree on the day whenever they run. Tokens, audit and
   * meta.lastUpdated keep the real clock.
   */
  clock?: () => Date;
  /**
   * Seal the audit chain and remove expired authorization state in this app's process (default). The server
   * process entry turns it off and leaves it to the process that leads the background work (process/background-work.ts).
   */
  backgroundWork?: boolean;
}

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // FHIR responses carry their own ETag (W/"versionId"); Express would hash every other body for one nobody asked for.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(assignRequestId);
  app.use(checkRequestUrl); // before any router decodes the path
  app.use(recordMetrics);
  app.use(compressResponses());
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.logger.info({ requestId: requestIdOf(res), method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', pid: process.pid }); // which of the server processes sharing the port answered
  });
  app.get('/readyz', (_req, res) => {
    // Answers within its own deadline, whatever the database does (a frozen one never answers).
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), READY_DEADLINE_MS); });
    Promise.race([migrationsApplied(options.pool), deadline])
      .then((ready) => {
        if (ready === 'late') res.status(503).setHeader('Retry-After', '5').json({ status: 'database not answering' });
        else res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'migrations pending' });
      })
      .catch(() => res.status(503).setHeader('Retry-After', '5').json({ status: 'database unreachable' }))
      .finally(() => clearTimeout(timer));
  });
  app.get('/metrics', (_req, res, next) => {
    metricsRegistry.metrics().then((text) => res.type(metricsRegistry.contentType).send(text)).catch(next);
  });

  const repo = createRepository(options.pool, options.onStatement);
  app.use('/fhir/profiles', profilePages()); // public implementation-guide pages, before the FHIR API and its auth
  const auth = createAuth(options.pool, options.baseUrl, options.auth); // discovery, /auth/*, /admin/*, and bearer auth on /fhir
  if (options.backgroundWork !== false) {
    startAuditSealer(options.pool); // both stop with the pool
    startAuthHousekeeping(options.pool);
  }
  app.locals.auth = auth.server; // tests mint tokens with it
  app.use(auth.routes);
  app.use('/fhir', ...auth.fhir);
  // The process entry resumes open exports and imports at start and stops the workers at shutdown.
  app.locals.jobWorkers = startJobWorkers(repo, options.pool, options.logger);
  app.use('/fhir/bulk-export', bulkExportRoutes(repo, `${options.baseUrl}/fhir`));
  app.use('/fhir/bulk-import', bulkImportRoutes(repo, `${options.baseUrl}/fhir`));
  app.use('/fhir', fhirEndpoint({ repo, baseUrl: `${options.baseUrl}/fhir`, bodyLimit: options.bodyLimit ?? '16mb', clock: options.clock }));

  app.use('/apps', smartApps()); // our SMART apps: static and public, they sign in through /auth like any app
  app.use(landingPage(options.pool)); // GET / and the documentation at /docs/

  app.use((req: Request, _res: Response, next: NextFunction) => next(notFound(`Nothing at ${req.path}`)));
  auth.server.audit.onRefusalNotRecorded = (err, record) => options.logger.error({ err, requestId: record.requestId }, 'refusal not audited');
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = requestIdOf(res);
    const mapped = mapError(err, requestId);
    if (mapped.internal) options.logger.error({ err, requestId, method: req.method, url: req.originalUrl }, 'unhandled error');
    const respond = () => {
      if (res.headersSent) return res.end();
      writeOutcome(res, mapped.status, mapped.outcome, mapped.headers);
    };
    // Refusals before (or outside) the FHIR access guard are audited here: bad URLs and bodies, unknown paths, …
    if (wasAudited(err)) return respond();
    const description = mapped.outcome.issue?.[0]?.diagnostics ?? 'refused';
    void auth.server.audit.recordRefusal(refusalRecord(req, res, mapped.status, description)).then(respond);
  });
  return app;
}
