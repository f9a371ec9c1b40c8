/**
 * The browser side of the authorization code flow: authorize (GET or form POST) → login → patient picker (for
 * launch/patient) → consent (scopes can be unticked) → redirect with a code. Each step re-reads the request from
 * the database, bound to this browser by the flow cookie.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import type { AuditOutcome, AuditRecord } from '../audit/audit-record';
import type { UserReach } from './access-policy';
import type { AuthServer } from './auth-server';
import { AuthorizationRequest, completeAuthorizationRequest, loadAuthorizationRequest, setRequestPatient, setRequestUser } from './authorization-requests';
import { issueAuthorizationCode, redirectWith } from './authorization-codes';
import { AuthorizePageError, AuthorizeRedirectError, startAuthorization } from './authorize-start';
import { FLOW_COOKIE, flowSecret, readCookie, sessionUserId, startSession } from './browser-cookies';
import { Client, findClient } from './clients';
import { AccessDenied } from './oauth-errors';
import { clientIp } from './oauth-http';
import { consentPage, errorPage, loginPage, patientPickerPage } from './pages';
import { patientChoices, patientDisplayNameById } from './patient-choices';
import { rememberConsent, rememberedGrant } from './remembered-consent';
import { serverIdentity } from './server-identity';
import { visiblePatient } from './patient-visibility';
import { describeScopeGroups } from './scope-descriptions';
import { parseResourceScope, permittedScopes, splitScopes } from './scopes';
import { loadUserReach } from './user-reach';
import { checkLogin, findUserById, User } from './users';

type Handler = (server: AuthServer, req: Request, res: Response) => Promise<void>;

export function browserFlowRoutes(server: AuthServer): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
  const run = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
    pageHeaders(res);
    server.ready().then(() => handler(server, req, res)).catch((err) => handleFlowError(server, req, res, err, next));
  };
  router.get('/authorize', run((s, req, res) => authorize(s, req, res, req.query)));
  router.post('/authorize', form, run((s, req, res) => authorize(s, req, res, req.body)));
  router.post('/login', form, run(login));
  router.get('/pick-patient', run(showPicker));
  router.post('/pick-patient', form, run(pickPatient));
  router.post('/consent', form, run(consent));
  return router;
}

function pageHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.setHeader('Referrer-Policy', 'no-referrer');
}

async function handleFlowError(server: AuthServer, req: Request, res: Response, err: unknown, next: NextFunction): Promise<void> {
  if (err instanceof AuthorizeRedirectError) {
    await audit(server, req, 'authorize', '4', `${err.error.code}: ${err.error.description}`).catch(() => undefined);
    res.redirect(303, redirectWith(err.redirectUri, { error: err.error.code, error_description: err.error.description, state: err.state }));
    return;
  }
  if (err instanceof AuthorizePageError) {
    await audit(server, req, 'authorize', '4', err.message).catch(() => undefined);
    res.status(400).type('html').send(errorPage(err.message));
    return;
  }
  next(err);
}

function stringParams(source: unknown): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && (value.includes('\0') || key.includes('\0'))) throw new AuthorizePageError(`parameter ${key.replace(/\0/g, '')} contains a NUL character`);
    if (typeof value === 'string') params[key] = value;
    else if (value !== undefined) throw new AuthorizePageError(`parameter ${key} must appear once`);
  }
  return params;
}

async function authorize(server: AuthServer, req: Request, res: Response, source: unknown): Promise<void> {
  const secret = flowSecret(req, res, server.settings);
  const sessionUser = await sessionUserId(server.pool, req);
  const { request, client } = await startAuthorization(server, stringParams(source), secret, sessionUser);
  await continueFlow(server, req, res, request, client);
}

/** Loads the request named in the form or query; a missing or foreign one is an error page. */
async function currentRequest(server: AuthServer, req: Request, source: Record<string, unknown>): Promise<{ request: AuthorizationRequest; client: Client }> {
  const requestId = typeof source.request === 'string' ? source.request : undefined;
  const request = await loadAuthorizationRequest(server.pool, requestId, readCookie(req, FLOW_COOKIE));
  if (!request) throw new AuthorizePageError('This sign-in request has expired or was already used. Start again from the application.');
  const client = await findClient(server.pool, request.clientId);
  if (!client || client.disabled) throw new AuthorizePageError('The application is no longer registered');
  return { request, client };
}

async function login(server: AuthServer, req: Request, res: Response): Promise<void> {
  const { request, client } = await currentRequest(server, req, req.body);
  const { username, password } = stringParams(req.body);
  const { settings, pool } = server;
  const result = await checkLogin(pool, username ?? '', password ?? '', settings.failedLoginsBeforeLock, settings.lockSeconds, clientIp(req) ?? 'unknown');
  if (!result.ok) {
    // The same answer whether or not the username exists; throttling is per address and username, never the account.
    await server.audit.recordRefusal(loginEvent(req, `login refused (${result.reason}) for ${username ?? ''}`, result.user));
    if (result.reason === 'throttled') {
      const minutes = Math.ceil(settings.lockSeconds / 60);
      res.status(429).setHeader('Retry-After', String(settings.lockSeconds));
      res.type('html').send(loginPage(request.requestId, client.name, await serverIdentity(server.pool), `Too many failed sign-in attempts from this device for this username. Try again in ${minutes} minutes.`));
      return;
    }
    res.status(401).type('html').send(loginPage(request.requestId, client.name, await serverIdentity(server.pool), 'Wrong username or password.'));
    return;
  }
  await audit(server, req, 'login', '0', 'password login', result.user);
  await startSession(pool, res, settings, result.user.userId);
  await setRequestUser(pool, request.requestId, result.user.userId);
  await continueFlow(server, req, res, { ...request, userId: result.user.userId }, client);
}

function needsPatient(request: AuthorizationRequest): boolean {
  if (request.patient) return false;
  return request.scopes.includes('launch/patient') || request.scopes.some((s) => parseResourceScope(s)?.level === 'patient');
}

async function continueFlow(server: AuthServer, req: Request, res: Response, request: AuthorizationRequest, client: Client): Promise<void> {
  if (!request.userId) {
    res.status(200).type('html').send(loginPage(request.requestId, client.name, await serverIdentity(server.pool)));
    return;
  }
  const user = await findUserById(server.pool, request.userId);
  if (!user || user.disabled) throw new AuthorizePageError('The signed-in user is not active');
  if (request.launchUserId && request.launchUserId !== user.userId) {
    throw new AuthorizeRedirectError(new AccessDenied('the signed-in user is not the one who launched the app'), request.redirectUri, request.state);
  }
  if (request.patient) await checkLaunchPatientReachable(server, request, user);
  if (needsPatient(request)) {
    const reach = await loadUserReach(server.pool, user.fhirUser, user.isAdmin, `flow:${request.requestId}`);
    const only = onlyPatient(reach);
    if (!only) {
      await renderPicker(server, res, request, client, reach, '');
      return;
    }
    await setRequestPatient(server.pool, request.requestId, only);
    request = { ...request, patient: only };
  }
  const remembered = await rememberedGrant(server.pool, request);
  if (remembered) {
    await approve(server, req, res, request, remembered, 'approved earlier, not asked again');
    return;
  }
  const patientName = request.patient ? await patientDisplayNameById(server.pool, request.patient) : undefined;
  const identity = await serverIdentity(server.pool);
  res.status(200).type('html').send(consentPage({
    requestId: request.requestId, clientName: client.name, identity, patientName, isOwnRecord: user.fhirUser === `Patient/${request.patient}`,
    groups: describeScopeGroups(request.scopes.filter((s) => s !== 'launch'), { patientName, userKind: user.fhirUser?.split('/')[0] }),
  }));
}

/** Issues the code for the granted scopes and sends the browser back to the app. */
async function approve(server: AuthServer, req: Request, res: Response, request: AuthorizationRequest, granted: string[], how: string): Promise<void> {
  if (!(await completeAuthorizationRequest(server.pool, request.requestId))) throw new AuthorizePageError('This sign-in request was already completed');
  const code = await issueAuthorizationCode(server.pool, server.settings, request, granted);
  await audit(server, req, 'authorize', '0', `${how}: ${granted.join(' ')}`, undefined, request);
  res.redirect(303, redirectWith(request.redirectUri, { code, state: request.state }));
}

/** A patient put in context by a launch must also be one the signed-in user may open (the launch may predate them). */
async function checkLaunchPatientReachable(server: AuthServer, request: AuthorizationRequest, user: User): Promise<void> {
  const reach = await loadUserReach(server.pool, user.fhirUser, user.isAdmin, `flow:${request.requestId}`);
  if (reach.kind !== 'none' && (await visiblePatient(server.pool, reach, request.patient!))) return;
  throw new AuthorizeRedirectError(new AccessDenied('the signed-in user may not open the patient of this launch'), request.redirectUri, request.state);
}

function onlyPatient(reach: UserReach): string | undefined {
  return reach.kind === 'patients' && reach.patientIds.length === 1 ? reach.patientIds[0] : undefined;
}

async function renderPicker(server: AuthServer, res: Response, request: AuthorizationRequest, client: Client, reach: UserReach, search: string): Promise<void> {
  if (reach.kind === 'none') throw new AuthorizeRedirectError(new AccessDenied(`no patient can be chosen: ${reach.reason}`), request.redirectUri, request.state);
  const patients = await patientChoices(server.pool, reach, search);
  res.status(200).type('html').send(patientPickerPage(request.requestId, client.name, patients, search, await serverIdentity(server.pool)));
}

async function signedInUser(server: AuthServer, request: AuthorizationRequest): Promise<User> {
  const user = request.userId ? await findUserById(server.pool, request.userId) : undefined;
  if (!user || user.disabled) throw new AuthorizePageError('Sign in first');
  return user;
}

async function showPicker(server: AuthServer, req: Request, res: Response): Promise<void> {
  const { request, client } = await currentRequest(server, req, req.query);
  const user = await signedInUser(server, request);
  const reach = await loadUserReach(server.pool, user.fhirUser, user.isAdmin, `flow:${request.requestId}`);
  await renderPicker(server, res, request, client, reach, typeof req.query.name === 'string' ? req.query.name : '');
}

async function pickPatient(server: AuthServer, req: Request, res: Response): Promise<void> {
  const { request, client } = await currentRequest(server, req, req.body);
  const user = await signedInUser(server, request);
  const { patient } = stringParams(req.body);
  const reach = await loadUserReach(server.pool, user.fhirUser, user.isAdmin, `flow:${request.requestId}`);
  if (!patient || !/^[A-Za-z0-9\-.]{1,64}$/.test(patient)) throw new AuthorizePageError('Choose a patient');
  // The choice must be one the user may reach: the same filter as the list, for this one id.
  const allowed = reach.kind !== 'none' && (await visiblePatient(server.pool, reach, patient));
  if (!allowed) throw new AuthorizePageError('You may not open this patient');
  await setRequestPatient(server.pool, request.requestId, patient);
  await continueFlow(server, req, res, { ...request, patient }, client);
}

async function consent(server: AuthServer, req: Request, res: Response): Promise<void> {
  const { request } = await currentRequest(server, req, req.body);
  await signedInUser(server, request);
  const body = req.body as Record<string, unknown>;
  if (body.decision !== 'allow') {
    await audit(server, req, 'authorize', '4', 'the user denied access', undefined, request);
    throw new AuthorizeRedirectError(new AccessDenied('the user denied access'), request.redirectUri, request.state);
  }
  // A checkbox carries one plain-language group of scopes, space-separated.
  const selected = ([] as unknown[]).concat(body.scope ?? []).filter((s): s is string => typeof s === 'string').flatMap((s) => splitScopes(s));
  // The user may untick scopes or pick narrower (granular) ones, never add.
  const granted = permittedScopes(selected, request.scopes);
  if (request.scopes.includes('launch') && !granted.includes('launch')) granted.push('launch');
  await rememberConsent(server.pool, request.userId!, request.clientId, granted.filter((s) => s !== 'launch'));
  await approve(server, req, res, request, granted, 'approved');
}

function loginEvent(req: Request, description: string, user?: User): AuditRecord {
  return {
    kind: 'login', subtype: 'password', action: 'E', outcome: '4', outcomeDescription: description,
    agent: { userId: user?.userId, username: user?.username, fhirUser: user?.fhirUser }, sourceIp: clientIp(req), patients: [], entities: [],
  };
}

async function audit(server: AuthServer, req: Request, kind: 'login' | 'authorize', outcome: AuditOutcome, description: string, user?: User, request?: AuthorizationRequest): Promise<void> {
  const userId = user?.userId ?? request?.userId;
  await server.audit.record({
    kind, subtype: kind === 'login' ? 'password' : 'authorization_code', action: 'E', outcome, outcomeDescription: description,
    agent: { userId, username: user?.username, fhirUser: user?.fhirUser, clientId: request?.clientId ?? (typeof req.query.client_id === 'string' ? req.query.client_id : undefined) },
    sourceIp: clientIp(req), patients: request?.patient ? [request.patient] : [], entities: [],
  });
}
