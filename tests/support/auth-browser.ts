/**
 * A scripted browser for the authorization code flow: follows our authorize → login → patient picker → consent
 * pages with real form posts (cookies kept), the way a user would, and returns where it was sent back to.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { FHIR_BASE } from './test-server';

export interface BrowserFlow {
  clientId: string;
  redirectUri: string;
  scope: string;
  username?: string;
  password?: string;
  state?: string;
  aud?: string;
  launch?: string;
  nonce?: string;
  codeChallenge?: string | null;
  codeChallengeMethod?: string;
  /** Submit the authorize request as a form POST (authorize-post). */
  post?: boolean;
  /** Patient to choose on the picker; the first offered when absent. */
  patient?: string;
  /** Scopes to untick on the consent screen. */
  untick?: string[];
  /** Replace the consent selection entirely (e.g. narrower, granular scopes). */
  select?: string[];
  deny?: boolean;
  /** Reuse a browser (its session cookie), e.g. for a second app. */
  agent?: ReturnType<typeof request.agent>;
}

export interface FlowResult {
  redirect?: URL;
  code?: string;
  state?: string;
  error?: string;
  /** The last HTML page when the flow stopped on one (an error page, or a login that failed). */
  page?: { status: number; html: string };
  pagesSeen: string[];
  agent: ReturnType<typeof request.agent>;
  codeVerifier: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function formValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => unescape(m[1]));
}

export async function runBrowserFlow(app: Express, flow: BrowserFlow): Promise<FlowResult> {
  const agent = flow.agent ?? request.agent(app);
  const { verifier, challenge } = pkcePair();
  const params: Record<string, string> = {
    response_type: 'code', client_id: flow.clientId, redirect_uri: flow.redirectUri, scope: flow.scope,
    state: flow.state ?? randomBytes(8).toString('hex'), aud: flow.aud ?? FHIR_BASE,
  };
  if (flow.codeChallenge !== null) {
    params.code_challenge = flow.codeChallenge ?? challenge;
    params.code_challenge_method = flow.codeChallengeMethod ?? 'S256';
  }
  if (flow.launch !== undefined) params.launch = flow.launch;
  if (flow.nonce) params.nonce = flow.nonce;
  let res = flow.post ? await agent.post('/auth/authorize').type('form').send(params) : await agent.get('/auth/authorize').query(params);
  const pagesSeen: string[] = [];
  for (let step = 0; step < 6; step++) {
    if (res.status === 302 || res.status === 303) {
      const redirect = new URL(res.headers.location);
      return {
        redirect, code: redirect.searchParams.get('code') ?? undefined, state: redirect.searchParams.get('state') ?? undefined,
        error: redirect.searchParams.get('error') ?? undefined, pagesSeen, agent, codeVerifier: verifier,
      };
    }
    const html = res.text;
    const action = /<form method="post" action="([a-z-]+)"/.exec(html)?.[1];
    const requestId = formValues(html, 'request')[0];
    if (res.status !== 200 || !action || !requestId) return { page: { status: res.status, html }, pagesSeen, agent, codeVerifier: verifier };
    pagesSeen.push(action);
    if (action === 'login') {
      res = await agent.post('/auth/login').type('form').send({ request: requestId, username: flow.username ?? '', password: flow.password ?? '' });
      if (res.status === 401) return { page: { status: 401, html: res.text }, pagesSeen, agent, codeVerifier: verifier };
    } else if (action === 'pick-patient') {
      const offered = formValues(html, 'patient');
      res = await agent.post('/auth/pick-patient').type('form').send({ request: requestId, patient: flow.patient ?? offered[0] ?? '' });
    } else if (action === 'consent') {
      // Each checkbox carries a plain-language group of scopes (space-separated); a flow may untick single scopes.
      const offered = formValues(html, 'scope').flatMap((value) => value.split(' '));
      const selected = flow.select ?? offered.filter((s) => !(flow.untick ?? []).includes(s));
      const body = new URLSearchParams({ request: requestId, decision: flow.deny ? 'deny' : 'allow' });
      for (const scope of selected) body.append('scope', scope);
      res = await agent.post('/auth/consent').type('form').send(body.toString());
    } else {
      return { page: { status: res.status, html }, pagesSeen, agent, codeVerifier: verifier };
    }
  }
  throw new Error('the authorization flow did not finish');
}

/** Exchanges a code at the token endpoint as a public client (client_id in the body). */
export function exchangeCode(app: Express, result: FlowResult, flow: Pick<BrowserFlow, 'clientId' | 'redirectUri'>, extra: Record<string, string | undefined> = {}) {
  const body: Record<string, string> = { grant_type: 'authorization_code', code: result.code ?? '', redirect_uri: flow.redirectUri, client_id: flow.clientId, code_verifier: result.codeVerifier };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete body[key];
    else body[key] = value;
  }
  return request(app).post('/auth/token').type('form').send(body);
}
