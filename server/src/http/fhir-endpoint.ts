/** Express adapter for the FHIR API: HTTP request → FhirRequest → route table → response writer. */
import express, { Request, Response, Router } from 'express';
import type { AccessContext } from '../auth/access-context';
import { dispatch } from '../fhir/router';
import { decodeFhirPath, groupParameters } from '../fhir/request-text';
import type { FhirContext, FhirRequest, HttpMethod } from '../fhir/types';
import type { Repository } from '../store/repository';
import { checkAcceptable, checkFormBodyFormat, checkRequestContentType, isJsonBodyType } from './content-negotiation';
import { checkParsedJson } from '../json-limits';
import { requestIdOf } from './request-id';
import { writeFhirResponse } from './response-writer';

export interface FhirEndpointOptions {
  repo: Repository;
  baseUrl: string;
  bodyLimit: string;
  /** Sets ctx.now for every request (AppOptions.clock); absent, operations read the real clock. */
  clock?: () => Date;
}

export function fhirEndpoint(options: FhirEndpointOptions): Router {
  const router = express.Router();
  router.use((req, _res, next) => {
    checkAcceptable(req);
    checkRequestContentType(req);
    next();
  });
  router.use(express.json({ type: (req) => isJsonBodyType(req.headers['content-type']), limit: options.bodyLimit, strict: false }));
  router.use(express.urlencoded({ extended: false, limit: options.bodyLimit }));
  router.use((req, _res, next) => {
    checkFormBodyFormat(req);
    next();
  });
  router.use((req, res, next) => (isJsonBodyType(req.headers['content-type']) ? checkParsedJson(req, res, next) : next()));
  router.all('/{*path}', (req, res, next) => {
    handle(req, res, options).catch(next);
  });
  return router;
}

async function handle(req: Request, res: Response, options: FhirEndpointOptions): Promise<void> {
  const fhirRequest = toFhirRequest(req);
  const requestId = requestIdOf(res);
  const ctx: FhirContext = {
    repo: options.repo, baseUrl: options.baseUrl, requestId, access: { ...requireAccess(res), requestId }, ...(options.clock ? { now: options.clock() } : {}),
  };
  const response = await dispatch(fhirRequest, ctx);
  writeFhirResponse(res, response, {
    pretty: firstOf(fhirRequest.query._pretty) === 'true',
    summary: req.method === 'GET' && fhirRequest.path.split('/').length > 1 ? firstOf(fhirRequest.query._summary) : undefined,
    elements: req.method === 'GET' && fhirRequest.path.split('/').length > 1
      ? firstOf(fhirRequest.query._elements)?.split(',').map((e) => e.trim()).filter(Boolean)
      : undefined,
    head: req.method === 'HEAD',
  });
}

/** Set by auth/fhir-authentication.ts; a request that somehow bypassed it must not run as "internal". */
function requireAccess(res: Response): AccessContext {
  const access = res.locals.access as AccessContext | undefined;
  if (!access) throw new Error('FHIR request reached the endpoint without authentication');
  return access;
}

export function toFhirRequest(req: Request): FhirRequest {
  const url = new URL(req.originalUrl, 'http://localhost');
  const query = groupParameters(url.searchParams);
  let body: unknown = req.body;
  const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (isForm && body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, string | string[]>)) {
      (query[key] ??= []).push(...(Array.isArray(value) ? value : [value]));
    }
    body = undefined;
  }
  return {
    method: req.method.toUpperCase() as HttpMethod,
    path: decodeFhirPath(req.path),
    query,
    body,
    headers: {
      ifMatch: header(req, 'if-match'),
      ifNoneMatch: header(req, 'if-none-match'),
      ifModifiedSince: header(req, 'if-modified-since'),
      ifNoneExist: header(req, 'if-none-exist'),
      prefer: header(req, 'prefer'),
      contentType: header(req, 'content-type'),
    },
  };
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function firstOf(values: string[] | undefined): string | undefined {
  return values?.[0];
}
