/**
 * The sign-in throttle (docs/operations.md): within a window of `lockSeconds`, `maxFailures` failed sign-ins from
 * one client address for one username block that pair, and 10 × `maxFailures` failures from one address (any
 * usernames) block the address, each for `lockSeconds`. A blocked attempt is refused without checking the
 * password. Nothing is keyed by account, so a failure count reveals nothing about whether a username exists and
 * nobody can lock a real user out from another address.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db';

export interface ThrottlePolicy {
  maxFailures: number;
  lockSeconds: number;
}

/** Failures from one address, across usernames, that block the address: spraying one password over many names. */
export const ADDRESS_FAILURE_FACTOR = 10;

function keysOf(sourceIp: string, username: string): { pair: string; address: string } {
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  return { pair: hash(`pair\n${sourceIp}\n${username.toLowerCase()}`), address: hash(`address\n${sourceIp}`) };
}

export async function isLoginBlocked(db: Db, sourceIp: string, username: string): Promise<boolean> {
  const { pair, address } = keysOf(sourceIp, username);
  const { rows } = await db.query('SELECT 1 FROM auth_login_throttle WHERE key = ANY($1::text[]) AND blocked_until > now() LIMIT 1', [[pair, address]]);
  return rows.length > 0;
}

/** Counts one failure for the pair and for the address (a window restarts once it is older than lockSeconds). */
export async function recordLoginFailure(db: Db, sourceIp: string, username: string, policy: ThrottlePolicy): Promise<void> {
  const { pair, address } = keysOf(sourceIp, username);
  await db.query(
    `INSERT INTO auth_login_throttle AS t (key, failures, window_start, blocked_until)
       SELECT key, 1, now(), CASE WHEN limit_ <= 1 THEN now() + make_interval(secs => $3) END
         FROM unnest($1::text[], $2::int[]) AS k(key, limit_)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.window_start < now() - make_interval(secs => $3) THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start < now() - make_interval(secs => $3) THEN now() ELSE t.window_start END,
       blocked_until = CASE
         WHEN (CASE WHEN t.window_start < now() - make_interval(secs => $3) THEN 1 ELSE t.failures + 1 END)
              >= (CASE WHEN t.key = $4 THEN $5::int ELSE $6::int END)
         THEN now() + make_interval(secs => $3) ELSE t.blocked_until END`,
    [[pair, address], [policy.maxFailures, policy.maxFailures * ADDRESS_FAILURE_FACTOR], policy.lockSeconds, pair, policy.maxFailures,
      policy.maxFailures * ADDRESS_FAILURE_FACTOR],
  );
}

/** A successful sign-in clears its pair (the address count stays: it is about the address, not this user). */
export async function clearLoginFailures(db: Db, sourceIp: string, username: string): Promise<void> {
  await db.query('DELETE FROM auth_login_throttle WHERE key = $1', [keysOf(sourceIp, username).pair]);
}
