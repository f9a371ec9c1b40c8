/** Where the authorization server lives and how long its grants last; derived from the public base URL and env. */

export interface AuthSettings {
  /** OpenID issuer: the public origin, e.g. http://localhost:8080. */
  issuer: string;
  /** The FHIR base: the only accepted `aud` of an authorization request and of our access tokens. */
  fhirBase: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  revocationEndpoint: string;
  jwksUri: string;
  /** Tokens are required (the default). Only AUTH=off turns it off: every request then has full access (still audited). */
  enforce: boolean;
  accessTokenSeconds: number;
  backendTokenSeconds: number;
  codeSeconds: number;
  offlineRefreshSeconds: number;
  onlineRefreshSeconds: number;
  /** A client assertion may live at most this long (exp − now), per SMART Backend Services. */
  maxAssertionSeconds: number;
  failedLoginsBeforeLock: number;
  lockSeconds: number;
}

export interface AuthOverrides {
  /** Overrides AUTH (tests switch enforcement on explicitly). */
  enforce?: boolean;
}

export function readAuthSettings(baseUrl: string, env: NodeJS.ProcessEnv = process.env, overrides: AuthOverrides = {}): AuthSettings {
  const issuer = baseUrl.replace(/\/+$/, '');
  const auth = `${issuer}/auth`;
  return {
    issuer,
    fhirBase: `${issuer}/fhir`,
    authorizeEndpoint: `${auth}/authorize`,
    tokenEndpoint: `${auth}/token`,
    introspectionEndpoint: `${auth}/introspect`,
    revocationEndpoint: `${auth}/revoke`,
    jwksUri: `${auth}/jwks`,
    // On unless explicitly switched off: a missing or mistyped AUTH must never open the API.
    enforce: !['off', '0', 'false'].includes((env.AUTH ?? 'on').trim().toLowerCase()),
    accessTokenSeconds: 3600,
    backendTokenSeconds: 300,
    codeSeconds: 60,
    offlineRefreshSeconds: 90 * 24 * 3600,
    onlineRefreshSeconds: 12 * 3600,
    maxAssertionSeconds: 300,
    failedLoginsBeforeLock: 5,
    lockSeconds: 15 * 60,
    ...(overrides.enforce !== undefined ? { enforce: overrides.enforce } : {}),
  };
}
