/**
 * The public keys of a client that authenticates with a signed assertion: registered inline (read with the client,
 * never cached), or fetched from its JWKS URL. Fetched sets are cached for a few minutes and refetched once when an
 * unknown kid shows up (at most every 30 s): they are the client's state, not ours. Invalidation: re-registering
 * or disabling a client (iop_access_tokens, `client:…`) and a lost listener forget every fetched set.
 */
import { createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';
import type { Client } from './clients';
import { InvalidClient } from './oauth-errors';
import { CHANNELS, subscribeCache } from '../store/cache-invalidation';

interface CachedSet {
  keys: JsonWebKey[];
  fetchedAt: number;
}

const CACHE_MS = 5 * 60_000;
const REFETCH_MIN_MS = 30_000;
const cache = new Map<string, CachedSet>();

subscribeCache({
  name: 'client-jwks',
  channels: [CHANNELS.accessTokens],
  onMessage: (_channel, payload) => {
    if (payload.startsWith('client:')) cache.clear();
  },
  reload: () => cache.clear(),
});

export type JwksFetcher = (url: string) => Promise<unknown>;

async function fetchJwksOverHttp(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(5000), redirect: 'error' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

let fetcher: JwksFetcher = fetchJwksOverHttp;
/** Tests may serve JWKS URLs without a network listener. */
export function setJwksFetcher(next: JwksFetcher | undefined): void {
  fetcher = next ?? fetchJwksOverHttp;
  cache.clear();
}

async function keysFromUrl(url: string, kid: string): Promise<JsonWebKey[]> {
  const cached = cache.get(url);
  const now = Date.now();
  const fresh = cached && now - cached.fetchedAt < CACHE_MS;
  const hasKid = cached?.keys.some((k) => k.kid === kid);
  if (cached && fresh && (hasKid || now - cached.fetchedAt < REFETCH_MIN_MS)) return cached.keys;
  let body: unknown;
  try {
    body = await fetcher(url);
  } catch {
    throw new InvalidClient('the client JWKS URL could not be fetched');
  }
  const keys = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new InvalidClient('the client JWKS URL did not return a JSON Web Key Set');
  cache.set(url, { keys: keys as JsonWebKey[], fetchedAt: now });
  return keys as JsonWebKey[];
}

const KEY_TYPE_FOR_ALG: Record<string, (k: JsonWebKey) => boolean> = {
  RS384: (k) => k.kty === 'RSA',
  ES384: (k) => k.kty === 'EC' && k.crv === 'P-384',
};

/** The client's public key with this kid, usable for this alg. */
export async function findClientKey(client: Client, kid: string, alg: string): Promise<KeyObject> {
  const keys = client.jwks?.keys ?? (client.jwksUri ? await keysFromUrl(client.jwksUri, kid) : []);
  const jwk = keys.find((k) => k.kid === kid && KEY_TYPE_FOR_ALG[alg]?.(k) && (!k.alg || k.alg === alg));
  if (!jwk) throw new InvalidClient(`no registered ${alg} key with kid ${kid}`);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk as JsonWebKey & Record<string, unknown>;
  try {
    return createPublicKey({ key: publicPart as JsonWebKey, format: 'jwk' });
  } catch {
    throw new InvalidClient(`the registered key ${kid} is not a valid public key`);
  }
}
