/**
 * The authorize endpoint's checks, in order. Until client and redirect_uri are known good, errors are shown to
 * the user (never redirected to an unverified URI); after that they go back to the app as error redirects.
 */
import { randomUUID } from 'node:crypto';
import type { AuthServer } from './auth-server';
import { AuthorizationRequest, saveAuthorizationRequest } from './authorization-requests';
import { Client, findClient } from './clients';
import { consumeLaunch } from './launches';
import { InvalidRequest, InvalidScope, OAuthError, UnsupportedResponseType } from './oauth-errors';
import { checkCodeChallenge } from './pkce';
import { permittedScopes, splitScopes } from './scopes';

export type AuthorizeParams = Record<string, string | undefined>;

/** Shown to the user: the app cannot be trusted with a redirect. */
export class AuthorizePageError extends Error {}

/** Sent back to the app's (verified) redirect_uri. */
export class AuthorizeRedirectError extends Error {
  constructor(readonly error: OAuthError, readonly redirectUri: string, readonly state: string | undefined) {
    super(error.description);
  }
}

export async function startAuthorization(server: AuthServer, params: AuthorizeParams, browserSecret: string, sessionUser?: string): Promise<{ request: AuthorizationRequest; client: Client }> {
  const client = await checkClient(server, params.client_id);
  const redirectUri = checkRedirectUri(client, params.redirect_uri);
  try {
    checkResponseType(params.response_type);
    const codeChallenge = checkCodeChallenge(params.code_challenge, params.code_challenge_method);
    checkAudience(server, params.aud);
    const scopes = checkScopes(client, params.scope);
    const request: AuthorizationRequest = {
      requestId: randomUUID(), clientId: client.clientId, redirectUri, scopes, state: params.state, nonce: params.nonce,
      codeChallenge, fhirContext: [], ehrLaunch: false,
    };
    if (params.launch !== undefined) await applyLaunch(server, request, params.launch, client);
    if (sessionUser && params.prompt !== 'login' && (!request.launchUserId || request.launchUserId === sessionUser)) request.userId = sessionUser;
    await saveAuthorizationRequest(server.pool, request, browserSecret);
    return { request, client };
  } catch (err) {
    if (err instanceof OAuthError) throw new AuthorizeRedirectError(err, redirectUri, params.state);
    throw err;
  }
}

async function checkClient(server: AuthServer, clientId: string | undefined): Promise<Client> {
  if (!clientId) throw new AuthorizePageError('client_id is missing');
  const client = await findClient(server.pool, clientId);
  if (!client || client.disabled) throw new AuthorizePageError(`Unknown application: ${clientId}`);
  if (client.type === 'backend') throw new AuthorizePageError('This application is a backend service; it cannot sign users in');
  return client;
}

/** Exact string match with a registered redirect URI: no prefix, wildcard or normalisation. */
function checkRedirectUri(client: Client, redirectUri: string | undefined): string {
  if (!redirectUri) throw new AuthorizePageError('redirect_uri is missing');
  if (!client.redirectUris.includes(redirectUri)) throw new AuthorizePageError('redirect_uri is not registered for this application');
  return redirectUri;
}

function checkResponseType(responseType: string | undefined): void {
  if (responseType !== 'code') throw new UnsupportedResponseType('response_type must be code');
}

/** The app must name our FHIR base as the audience, so it never sends a token meant for us elsewhere (or v.v.). */
function checkAudience(server: AuthServer, aud: string | undefined): void {
  if (!aud) throw new InvalidRequest('aud is required: the FHIR base URL the app will call');
  if (aud.replace(/\/+$/, '') !== server.settings.fhirBase) throw new InvalidRequest(`aud must be ${server.settings.fhirBase}`);
}

function checkScopes(client: Client, scope: string | undefined): string[] {
  const requested = splitScopes(scope);
  if (requested.length === 0) throw new InvalidScope('scope is required');
  const permitted = permittedScopes(requested, client.allowedScopes);
  if (permitted.filter((s) => s !== 'launch').length === 0) throw new InvalidScope('none of the requested scopes is allowed for this application');
  return permitted;
}

async function applyLaunch(server: AuthServer, request: AuthorizationRequest, launch: string, client: Client): Promise<void> {
  const binding = launch ? await consumeLaunch(server.pool, launch, client.clientId) : undefined;
  if (!binding) throw new InvalidRequest('launch is unknown, expired, already used, or for another application');
  request.ehrLaunch = true;
  request.patient = binding.patient;
  request.encounter = binding.encounter;
  request.fhirContext = binding.fhirContext;
  request.launchUserId = binding.userId;
}
