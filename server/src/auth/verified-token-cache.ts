/**
 * Verified access tokens, and the access they grant, in memory by jti until they expire: a request with a token this
 * process has seen costs no database round trip. Only the exact token string that was verified is served (a forged
 * token reusing a jti is verified afresh), and only while the cache listener listens (nothing is cached otherwise).
 * Invalidation: revoking a token or a grant (revocation endpoint, a refresh token presented twice), re-registering
 * or disabling a client and disabling a user notify iop_access_tokens in their transaction (`jti:…`, `grant:…`,
 * `client:…`, `user:…`); a change to what users reach (iop_user_reach) drops the access of every user token; a
 * lost listener drops everything. Bound: a token revoked on another process can pass here until that message has
 * arrived (its commit → this process's listener, milliseconds on one network); on the revoking process, never.
 */
import type { AccessContext } from './access-context';
import type { VerifiedToken } from './access-token';
import { CHANNELS, listeningEpoch, subscribeCache } from '../store/cache-invalidation';

/** What a token grants, without what belongs to one request (source IP, audit log, audit buffer). */
export type CachedAccess = Pick<AccessContext, 'principal' | 'scopes' | 'policy' | 'patient' | 'encounter'>;

/** When a verification started: it is cached only if nothing was invalidated and the listener stayed up since. */
export interface CacheStamp {
  generation: number;
  epoch: number | undefined;
}

interface Entry {
  token: string;
  verified: VerifiedToken;
  access?: CachedAccess;
  epoch: number;
}

const MAX_ENTRIES = 50_000;
const entries = new Map<string, Entry>();
let generation = 0;

subscribeCache({
  name: 'verified-tokens',
  channels: [CHANNELS.accessTokens, CHANNELS.userReach],
  onMessage: (channel, payload) => (channel === CHANNELS.userReach ? forgetUserAccess() : forgetTokens(payload)),
  reload: () => {
    generation++;
    entries.clear();
  },
});

export function tokenCacheStamp(): CacheStamp {
  return { generation, epoch: listeningEpoch() };
}

export function cachedVerifiedToken(token: string): VerifiedToken | undefined {
  return usableEntry(token)?.verified;
}

/** The access of a token served from the cache (verifyAccessToken found or stored it), if already compiled. */
export function cachedAccess(verified: VerifiedToken): CachedAccess | undefined {
  const entry = entries.get(verified.jti);
  return entry?.verified === verified && entry.epoch === listeningEpoch() ? entry.access : undefined;
}

export function rememberVerifiedToken(token: string, verified: VerifiedToken, since: CacheStamp): void {
  if (!unchangedSince(since)) return;
  if (entries.size >= MAX_ENTRIES) evict();
  entries.set(verified.jti, { token, verified, epoch: since.epoch! });
}

export function rememberAccess(verified: VerifiedToken, access: CachedAccess, since: CacheStamp): void {
  const entry = entries.get(verified.jti);
  if (entry?.verified === verified && unchangedSince(since)) entry.access = access;
}

function usableEntry(token: string): Entry | undefined {
  const jti = unverifiedJti(token);
  const entry = jti === undefined ? undefined : entries.get(jti);
  if (!entry || entry.token !== token || entry.epoch !== listeningEpoch()) return undefined;
  if (entry.verified.expiresAt * 1000 <= Date.now()) {
    entries.delete(entry.verified.jti);
    return undefined;
  }
  return entry;
}

function unchangedSince(since: CacheStamp): boolean {
  return since.epoch !== undefined && since.epoch === listeningEpoch() && since.generation === generation;
}

/** The jti claim, read without verifying: only used to find an entry, which must then match the whole token. */
function unverifiedJti(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    return typeof jti === 'string' ? jti : undefined;
  } catch {
    return undefined;
  }
}

/** `jti:<jti>`, `grant:<id>`, `client:<id>` or `user:<id>`. */
function forgetTokens(payload: string): void {
  generation++;
  const colon = payload.indexOf(':');
  const kind = payload.slice(0, colon);
  const id = payload.slice(colon + 1);
  if (kind === 'jti') {
    entries.delete(id);
    return;
  }
  const matches: Record<string, ((t: VerifiedToken) => boolean) | undefined> = {
    grant: (t) => t.grantId === id,
    client: (t) => t.clientId === id,
    user: (t) => t.userId === id,
  };
  const match = matches[kind];
  if (!match) {
    entries.clear(); // a kind this version does not know: forget everything rather than keep what it meant
    return;
  }
  for (const [jti, entry] of entries) if (match(entry.verified)) entries.delete(jti);
}

/** A user's access depends on their reach (roles, programs, organisations): compile it again on next use. */
function forgetUserAccess(): void {
  generation++;
  for (const entry of entries.values()) if (entry.verified.userId) entry.access = undefined;
}

function evict(): void {
  const now = Date.now();
  for (const [jti, entry] of entries) if (entry.verified.expiresAt * 1000 <= now) entries.delete(jti);
  for (const jti of entries.keys()) {
    if (entries.size < MAX_ENTRIES * 0.9) break;
    entries.delete(jti); // oldest first (insertion order)
  }
}
