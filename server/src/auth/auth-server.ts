/**
 * The authorization server's dependencies in one object, passed explicitly to every endpoint: the pool, the
 * settings, the signing keys and the audit log. `ready()` loads the keys and registers our own apps, once.
 */
import type { Pool } from 'pg';
import type { AuditLog } from '../audit/audit-log';
import type { AuthSettings } from './auth-settings';
import { registerBuiltinClients } from './builtin-clients';
import { SigningKeys } from './signing-keys';
import type { TokenIssuer } from './token-issuer';

export class AuthServer {
  readonly keys: SigningKeys;
  private starting?: Promise<void>;

  constructor(
    readonly pool: Pool,
    readonly settings: AuthSettings,
    readonly audit: AuditLog,
  ) {
    this.keys = new SigningKeys(pool);
  }

  /** Idempotent; a failed start is retried by the next caller. */
  ready(): Promise<void> {
    this.starting ??= (async () => {
      await this.keys.load();
      await registerBuiltinClients(this.pool, this.settings);
    })().catch((err) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  get issuer(): TokenIssuer {
    return { db: this.pool, keys: this.keys, settings: this.settings };
  }
}
