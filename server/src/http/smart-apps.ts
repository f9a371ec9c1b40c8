/**
 * Our browser SMART apps (smart-apps/), served as plain static files: /apps/ (the launcher page), /apps/<app>/
 * and /apps/shared/ (stylesheet, common modules, and the browser build of fhirclient from node_modules). Public:
 * the apps get their tokens through SMART like any outside app. No directory listings, no dotfiles.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Response, Router } from 'express';
import { REPO_ROOT } from '../repo-root';

export const SMART_APPS_DIR = path.join(REPO_ROOT, 'smart-apps');

/** Scripts only from us; FHIR calls may go to another EHR's server (EHR launch), so connect-src stays open. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src *; object-src 'none'; base-uri 'self'";

function setSecurityHeaders(res: Response): void {
  // No build step means no content hashes in file names: let browsers keep a copy but revalidate (ETag) each time.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer'); // the redirect page's URL carries the authorization code
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
}

function fhirClientScript(): string | undefined {
  try {
    const file = require.resolve('fhirclient/build/fhir-client.min.js');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

export function smartApps(root = SMART_APPS_DIR): Router {
  const router = express.Router();
  const fhirClient = fhirClientScript();
  router.get('/shared/fhir-client.min.js', (_req, res, next) => {
    if (!fhirClient) return next();
    setSecurityHeaders(res);
    res.sendFile(fhirClient, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });
  router.use(express.static(root, {
    index: ['index.html'],
    dotfiles: 'ignore',
    fallthrough: true,
    redirect: true,
    setHeaders: setSecurityHeaders,
  }));
  return router;
}
