/**
 * Our signing key: an RSA key generated on first start and stored in the database, so every replica signs and
 * verifies with the same key. Access tokens and id_tokens are RS256 JWTs carrying its `kid`.
 * Held in memory per process; invalidation is a version check, not a notification: a token whose kid this process
 * does not hold reloads the keys. (Nothing rotates or retires keys yet; a retirement would need a notification.)
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, JsonWebKey, KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Pool } from 'pg';

export const TOKEN_ALG = 'RS256';
const KEY_LOCK = 72_011_030;

interface KeyRow {
  kid: string;
  private_jwk: JsonWebKey;
  public_jwk: JsonWebKey;
  retired_at: Date | null;
}

interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
  active: boolean;
}

export class SigningKeys {
  private keys = new Map<string, LoadedKey>();
  private active?: LoadedKey;

  constructor(private readonly pool: Pool) {}

  /** Creates the key if the database has none (under a lock, so concurrent first starts agree), then loads all. */
  async load(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const existing = await client.query('SELECT 1 FROM auth_signing_key WHERE retired_at IS NULL LIMIT 1');
      if (existing.rowCount === 0) {
        const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        await client.query('INSERT INTO auth_signing_key (kid, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [
          randomUUID(), TOKEN_ALG, privateKey.export({ format: 'jwk' }), publicKey.export({ format: 'jwk' }),
        ]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    await this.reload();
  }

  private async reload(): Promise<void> {
    const { rows } = await this.pool.query<KeyRow>('SELECT kid, private_jwk, public_jwk, retired_at FROM auth_signing_key ORDER BY created_at');
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      keys.set(row.kid, {
        kid: row.kid,
        privateKey: createPrivateKey({ key: row.private_jwk, format: 'jwk' }),
        publicKey: createPublicKey({ key: row.public_jwk, format: 'jwk' }),
        publicJwk: row.public_jwk,
        active: row.retired_at === null,
      });
    }
    this.keys = keys;
    this.active = [...keys.values()].reverse().find((k) => k.active);
  }

  sign(payload: object, options: jwt.SignOptions = {}): string {
    if (!this.active) throw new Error('signing keys are not loaded');
    return jwt.sign(payload, this.active.privateKey, { ...options, algorithm: TOKEN_ALG, keyid: this.active.kid });
  }

  /** Verifies one of our own JWTs: RS256 only, a known kid, signature, exp, and the given claims. Throws on failure. */
  async verify(token: string, options: jwt.VerifyOptions): Promise<jwt.JwtPayload> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new Error('not a JWT');
    if (decoded.header.alg !== TOKEN_ALG) throw new Error(`alg ${decoded.header.alg} is not accepted`);
    const kid = decoded.header.kid;
    if (!kid) throw new Error('no kid');
    if (!this.keys.has(kid)) await this.reload(); // another replica may have rotated the key
    const key = this.keys.get(kid);
    if (!key) throw new Error('unknown kid');
    return jwt.verify(token, key.publicKey, { ...options, algorithms: [TOKEN_ALG], complete: false }) as jwt.JwtPayload;
  }

  /** The public keys, as served at jwks_uri. */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: [...this.keys.values()].map((k) => ({ ...k.publicJwk, kid: k.kid, alg: TOKEN_ALG, use: 'sig' })) };
  }
}
