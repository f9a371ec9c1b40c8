/**
 * Removes authorization state nobody can use any more (expired codes, requests, launches, sessions, assertion
 * jtis, tokens), a day after it expired so introspection and audits of recent activity still find it.
 */
import type { Pool } from 'pg';

const STATEMENTS = [
  `DELETE FROM auth_code WHERE expires_at < now() - interval '1 day'`,
  `DELETE FROM auth_request WHERE expires_at < now() - interval '1 day'`,
  `DELETE FROM auth_launch WHERE expires_at < now() - interval '1 day'`,
  `DELETE FROM auth_session WHERE expires_at < now() - interval '1 day'`,
  `DELETE FROM auth_assertion_jti WHERE expires_at < now()`,
  `DELETE FROM auth_token WHERE expires_at < now() - interval '1 day'`,
  `DELETE FROM auth_refresh_token WHERE expires_at < now() - interval '1 day'`,
  `DELETE FROM auth_login_throttle WHERE window_start < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())`,
];

export async function removeExpiredAuthState(pool: Pool): Promise<void> {
  for (const statement of STATEMENTS) await pool.query(statement);
}

/** Every ten minutes in the background (unref'd); stops with its pool. Idempotent, so replicas may overlap. */
export function startAuthHousekeeping(pool: Pool, intervalMs = 10 * 60_000): void {
  const timer = setInterval(() => {
    if ((pool as Pool & { ended?: boolean }).ended) {
      clearInterval(timer);
      return;
    }
    removeExpiredAuthState(pool).catch(() => undefined); // retried on the next tick
  }, intervalMs);
  timer.unref();
}
