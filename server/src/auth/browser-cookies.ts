/**
 * The two cookies of the browser flow, both HttpOnly, SameSite=Lax and scoped to /auth:
 * `iop_session` (a signed-in user, so a second app in the same browser skips the password) and `iop_flow`
 * (binds an authorization request to the browser that started it). The database keeps only their hashes.
 */
import type { Request, Response } from 'express';
import type { AuthSettings } from './auth-settings';
import type { Db } from './db';
import { hashSecret, newSecret } from './secrets';

export const SESSION_COOKIE = 'iop_session';
export const FLOW_COOKIE = 'iop_flow';
const SESSION_SECONDS = 8 * 3600;

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function setCookie(res: Response, settings: AuthSettings, name: string, value: string, maxAgeSeconds: number): void {
  const secure = settings.issuer.startsWith('https://') ? '; Secure' : '';
  res.append('Set-Cookie', `${name}=${encodeURIComponent(value)}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`);
}

/** The browser's flow secret: reused if it has one, else a new one (set on the response). */
export function flowSecret(req: Request, res: Response, settings: AuthSettings): string {
  const existing = readCookie(req, FLOW_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const secret = newSecret();
  setCookie(res, settings, FLOW_COOKIE, secret, 3600);
  return secret;
}

export async function startSession(db: Db, res: Response, settings: AuthSettings, userId: string): Promise<void> {
  const secret = newSecret();
  await db.query(`INSERT INTO auth_session (session_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`, [
    hashSecret(secret), userId, SESSION_SECONDS,
  ]);
  setCookie(res, settings, SESSION_COOKIE, secret, SESSION_SECONDS);
}

/** The user of a live session (and not disabled or locked), if the browser has one. */
export async function sessionUserId(db: Db, req: Request): Promise<string | undefined> {
  const secret = readCookie(req, SESSION_COOKIE);
  if (!secret) return undefined;
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT s.user_id FROM auth_session s JOIN auth_user u ON u.user_id = s.user_id
      WHERE s.session_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL AND coalesce(u.locked_until <= now(), true)`,
    [hashSecret(secret)],
  );
  return rows[0]?.user_id;
}
