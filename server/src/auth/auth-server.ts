/**
 * The authorization server's dependencies in one object, passed explicitly to every endpoint: the pool, the
 * settings, the signing keys and the audit log. `ready()` loads the keys and, in the serving process only,
 * registers our own apps, once.
 */
import type { Pool } from 'pg';
import type { AuditLog } from '../audit/audit-log';
import type { AuthSettings } from './auth-settings';
import { registerBuiltinClients } from './builtin-clients';
import { SigningKeys } from './signing-keys';
import type { TokenIssuer } from './token-issuer';

export interface AuthServerOptions {
  /**
   * Register our own SMART apps with redirect URIs under this BASE_URL: only the process that serves them (app.ts).
   * Tools on the same database (the admin CLI, scripts) must not, or a run with another BASE_URL would point every
   * real login at the wrong origin until the server restarts.
   */
  registerBuiltinApps?: boolean;
}

export class AuthServer {
  readonly keys: SigningKeys;
  private starting?: Promise<void>;

  constructor(
    readonly pool: Pool,
    readonly settings: AuthSettings,
    readonly audit: AuditLog,
    private readonly options: AuthServerOptions = {},
  ) {
    this.keys = new SigningKeys(pool);
  }

  /** Idempotent; a failed start is retried by the next caller. */
  ready(): Promise<void> {
    this.starting ??= (async () => {
      await this.keys.load();
      if (this.options.registerBuiltinApps) await registerBuiltinClients(this.pool, this.settings);
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
