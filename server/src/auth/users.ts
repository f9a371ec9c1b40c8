/**
 * Users who log in at the authorize endpoint: practitioners, patients and related persons, each linked to their
 * FHIR resource (fhirUser), and administrators. Passwords are scrypt hashes; repeated failures are throttled by
 * client address and username (login-throttle.ts), never by locking the account.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { badRequest } from '../errors';
import { CHANNELS, notify } from '../store/cache-invalidation';
import { inPgTransaction } from '../store/pg-transaction';
import type { Db } from './db';
import { clearLoginFailures, isLoginBlocked, recordLoginFailure } from './login-throttle';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hash';
import { forgetConsentsOfUser } from './remembered-consent-removal';

export interface User {
  userId: string;
  username: string;
  fhirUser?: string;
  isAdmin: boolean;
  createdAt: Date;
  disabled: boolean;
}

export interface UserRegistration {
  username: string;
  password: string;
  fhirUser?: string;
  isAdmin?: boolean;
}

interface UserRow {
  user_id: string;
  username: string;
  fhir_user: string | null;
  is_admin: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

const COLUMNS = 'user_id, username, fhir_user, is_admin, created_at, disabled_at';
const FHIR_USER_RE = /^(Practitioner|Patient|RelatedPerson|Person)\/[A-Za-z0-9.-]{1,64}$/;

function toUser(row: UserRow): User {
  return {
    userId: row.user_id, username: row.username, fhirUser: row.fhir_user ?? undefined, isAdmin: row.is_admin,
    createdAt: row.created_at, disabled: row.disabled_at !== null,
  };
}

export async function createUser(db: Db, input: UserRegistration): Promise<User> {
  if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(input.username ?? '')) throw badRequest('username must be 1-128 characters of A-Z a-z 0-9 . _ @ + -');
  if (typeof input.password !== 'string' || input.password.length < 8) throw badRequest('password must be at least 8 characters');
  if (input.fhirUser !== undefined && !FHIR_USER_RE.test(input.fhirUser)) {
    throw badRequest('fhirUser must be Practitioner/ID, Patient/ID, RelatedPerson/ID or Person/ID');
  }
  if (!input.fhirUser && !input.isAdmin) throw badRequest('a user is linked to their FHIR resource (fhirUser) unless they are an administrator');
  const { rows } = await db.query<UserRow>(
    `INSERT INTO auth_user (user_id, username, password_hash, fhir_user, is_admin) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [randomUUID(), input.username, await hashPassword(input.password), input.fhirUser ?? null, input.isAdmin ?? false],
  );
  return toUser(rows[0]);
}

export async function findUserById(db: Db, userId: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM auth_user WHERE user_id = $1`, [userId]);
  return rows[0] && toUser(rows[0]);
}

export async function listUsers(db: Db): Promise<User[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM auth_user ORDER BY username`);
  return rows.map(toUser);
}

/**
 * Disables a user: they can no longer sign in or refresh, and their access tokens stop working at once on every
 * process (notified on iop_access_tokens in this transaction), and the consent they gave apps is forgotten. Returns the user, or undefined if none was active.
 */
export async function disableUser(db: Pool, username: string): Promise<User | undefined> {
  return inPgTransaction(db, async (tx) => {
    const { rows } = await tx.client.query<UserRow>(
      `UPDATE auth_user SET disabled_at = now() WHERE username = $1 AND disabled_at IS NULL RETURNING ${COLUMNS}`, [username],
    );
    if (!rows[0]) return undefined;
    await forgetConsentsOfUser(tx.client, rows[0].user_id);
    await notify(tx, CHANNELS.accessTokens, `user:${rows[0].user_id}`);
    return toUser(rows[0]);
  });
}

export type LoginResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'throttled' | 'disabled'; user?: User };

/**
 * Checks a username and password. Unknown usernames cost the same hash as known ones. Repeated failures are
 * throttled per (client address, username typed) and per address (login-throttle.ts), never by locking the
 * account: a blocked attempt is refused before the password is checked, whether or not the username exists.
 */
export async function checkLogin(
  db: Db, username: string, password: string, maxFailures: number, lockSeconds: number, sourceIp = 'unknown',
): Promise<LoginResult> {
  if (await isLoginBlocked(db, sourceIp, username)) return { ok: false, reason: 'throttled' };
  const { rows } = await db.query<UserRow & { password_hash: string }>(`SELECT ${COLUMNS}, password_hash FROM auth_user WHERE username = $1`, [username]);
  const row = rows[0];
  const passwordOk = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()));
  const user = row ? toUser(row) : undefined;
  if (!user || !passwordOk || user.disabled) {
    await recordLoginFailure(db, sourceIp, username, { maxFailures, lockSeconds });
    return { ok: false, reason: user?.disabled && passwordOk ? 'disabled' : 'invalid', user };
  }
  await clearLoginFailures(db, sourceIp, username);
  return { ok: true, user };
}
