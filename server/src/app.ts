/** Express assembly: request ids, metrics, health, the FHIR API, and the one error handler. */
import express, { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import './fhir/routes';
import type { AuthOverrides } from './auth/auth-settings';
import { startAuditSealer } from './audit/audit-sealer';
import { startAuthHousekeeping } from './auth/auth-housekeeping';
import { createAuth } from './auth/create-auth';
import { notFound } from './errors';
import { mapError } from './http/error-mapper';
import { bulkExportRoutes } from './http/bulk-export-routes';
import { profilePages } from './http/profile-pages';
import { ExportWorker } from './jobs/export-worker';
import { registerExportWorker } from './jobs/export-workers';
import { smartApps } from './http/smart-apps';
import { fhirEndpoint } from './http/fhir-endpoint';
import { metricsRegistry, recordMetrics } from './http/metrics';
import { assignRequestId, requestIdOf } from './http/request-id';
import { writeOutcome } from './http/response-writer';
import type { Logger } from './logger';
import { createRepository } from './create-repository';
import { migrationsApplied } from './store/migrate';

export interface AppOptions {
  pool: Pool;
  baseUrl: string;
  logger: Logger;
  bodyLimit?: string;
  onStatement?: (text: string) => void;
  /** Overrides the AUTH environment variable (tests turn enforcement on explicitly). */
  auth?: AuthOverrides;
  /**
   * Seal the audit chain and remove expired authorization state in this app's process (default). The server
   * process entry turns it off and leaves it to the process that leads the background work (process/background-work.ts).
   */
  backgroundWork?: boolean;
}

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(assignRequestId);
  app.use(recordMetrics);
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
    migrationsApplied(options.pool)
      .then((ready) => res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'migrations pending' }))
      .catch(() => res.status(503).json({ status: 'database unreachable' }));
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
  const exportWorker = new ExportWorker(repo, options.pool, { onError: (err, jobId) => options.logger.error({ err, jobId }, 'bulk export failed') });
  registerExportWorker(repo, exportWorker);
  app.locals.exportWorker = exportWorker; // the process entry resumes open exports at start and stops the worker at shutdown
  app.use('/fhir/bulk-export', bulkExportRoutes(repo, `${options.baseUrl}/fhir`));
  app.use('/fhir', fhirEndpoint({ repo, baseUrl: `${options.baseUrl}/fhir`, bodyLimit: options.bodyLimit ?? '16mb' }));

  app.use('/apps', smartApps()); // our SMART apps: static and public, they sign in through /auth like any app

  app.use((req: Request, _res: Response, next: NextFunction) => next(notFound(`Nothing at ${req.path}`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = requestIdOf(res);
    const mapped = mapError(err, requestId);
    if (mapped.internal) options.logger.error({ err, requestId, method: req.method, url: req.originalUrl }, 'unhandled error');
    if (res.headersSent) return res.end();
    writeOutcome(res, mapped.status, mapped.outcome, mapped.headers);
  });
  return app;
}
