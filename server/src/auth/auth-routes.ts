/**
 * The authorization server's HTTP surface: discovery, JWKS, the OAuth endpoints (token, introspect, revoke),
 * the browser flow (authorize, login, patient picker, consent) and the launcher. Mounted by app.ts before /fhir.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import { checkParsedJson } from '../json-limits';
import type { AuthServer } from './auth-server';
import { browserFlowRoutes } from './browser-flow-routes';
import { cors } from './cors';
import { openidConfiguration, smartConfiguration } from './discovery';
import { introspectionEndpoint } from './introspection-endpoint';
import { launchEndpoint } from './launch-endpoint';
import { revocationEndpoint } from './revocation-endpoint';
import { tokenEndpoint } from './token-endpoint';

const SMART_STYLE = {
  color_background: '#f4f6f8', color_error: '#b00020', color_highlight: '#2a6ebb', color_modal_backdrop: '',
  color_success: '#2e7d32', color_text: '#1c2733', dim_border_radius: '6px', dim_font_size: '14px', dim_spacing_size: '16px',
  font_family_body: 'system-ui, sans-serif', font_family_heading: 'system-ui, sans-serif',
};

export function authRoutes(server: AuthServer): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });
  const json = (body: () => unknown) => (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(body());
  };

  router.use(['/.well-known', '/fhir/.well-known', '/auth/token', '/auth/introspect', '/auth/revoke', '/auth/jwks', '/auth/smart-style.json'], cors);
  router.get('/fhir/.well-known/smart-configuration', json(() => smartConfiguration(server.settings)));
  router.get(['/.well-known/openid-configuration', '/fhir/.well-known/openid-configuration'], json(() => openidConfiguration(server.settings)));
  router.get('/auth/smart-style.json', json(() => SMART_STYLE));
  router.get('/auth/jwks', (req, res, next) => {
    server.ready().then(() => json(() => server.keys.jwks())(req, res), next);
  });
  router.post('/auth/token', form, tokenEndpoint(server));
  router.post('/auth/introspect', form, introspectionEndpoint(server));
  router.post('/auth/revoke', form, revocationEndpoint(server));
  router.post('/auth/launch', express.json({ limit: '64kb' }), checkParsedJson, launchEndpoint(server));
  router.use('/auth', browserFlowRoutes(server));
  router.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => next(err));
  return router;
}
