/** Assembles the authorization server and audit log for app.ts: its routes, and the /fhir authentication. */
import express, { RequestHandler, Router } from 'express';
import type { Pool } from 'pg';
import { adminRoutes } from '../admin/admin-routes';
import { AuditLog } from '../audit/audit-log';
import { AuthOverrides, readAuthSettings } from './auth-settings';
import { authRoutes } from './auth-routes';
import { AuthServer } from './auth-server';
import { cors } from './cors';
import { fhirAuthentication } from './fhir-authentication';

export interface AuthComponents {
  server: AuthServer;
  /** Discovery, /auth/* and /admin/*: mount before /fhir. */
  routes: Router;
  /** CORS and bearer authentication for /fhir. */
  fhir: RequestHandler[];
}

export function createAuth(pool: Pool, baseUrl: string, overrides: AuthOverrides = {}, env: NodeJS.ProcessEnv = process.env): AuthComponents {
  const audit = new AuditLog(pool);
  const server = new AuthServer(pool, readAuthSettings(baseUrl, env, overrides), audit, { registerBuiltinApps: true });
  const routes = express.Router();
  routes.use(authRoutes(server));
  routes.use('/admin', adminRoutes(server));
  return { server, routes, fhir: [cors, fhirAuthentication(server)] };
}
