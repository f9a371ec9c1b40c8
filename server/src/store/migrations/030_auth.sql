-- SMART on FHIR authorization server state. Secrets (client secrets, passwords, codes, refresh tokens) are stored
-- only as hashes; access tokens are JWTs whose jti is recorded here so they can be introspected and revoked.

-- Our signing keys (JWK with private part), generated on first start so that every replica signs with the same key.
CREATE TABLE auth_signing_key (
  kid         text PRIMARY KEY,
  alg         text        NOT NULL,
  private_jwk jsonb       NOT NULL,
  public_jwk  jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);

CREATE TABLE auth_client (
  client_id       text PRIMARY KEY,
  client_type     text        NOT NULL CHECK (client_type IN ('public', 'confidential-symmetric', 'confidential-asymmetric', 'backend')),
  name            text        NOT NULL,
  secret_hash     text,
  redirect_uris   text[]      NOT NULL DEFAULT '{}',
  allowed_scopes  text        NOT NULL,
  jwks            jsonb,
  jwks_uri        text,
  launch_uri      text,
  is_admin        boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  disabled_at     timestamptz
);

CREATE TABLE auth_user (
  user_id          uuid PRIMARY KEY,
  username         text        NOT NULL UNIQUE,
  password_hash    text        NOT NULL,
  fhir_user        text        CHECK (fhir_user ~ '^(Practitioner|Patient|RelatedPerson|Person)/[A-Za-z0-9.-]{1,64}$'),
  is_admin         boolean     NOT NULL DEFAULT false,
  failed_logins    integer     NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  disabled_at      timestamptz
);

-- Browser login sessions (cookie holds the random id; we keep its hash).
CREATE TABLE auth_session (
  session_hash text PRIMARY KEY,
  user_id      uuid        NOT NULL REFERENCES auth_user (user_id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);

-- EHR launch contexts issued by our launcher: the opaque `launch` value names one of these.
CREATE TABLE auth_launch (
  launch_hash  text PRIMARY KEY,
  client_id    text        REFERENCES auth_client (client_id),
  user_id      uuid        REFERENCES auth_user (user_id),
  patient      text,
  encounter    text,
  fhir_context jsonb       NOT NULL DEFAULT '[]',
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz
);

-- An authorization request between the authorize endpoint and the code: login, patient picker, consent.
-- browser_hash binds it to the browser that started it (a cookie), so a request id alone cannot be replayed.
CREATE TABLE auth_request (
  request_id     text PRIMARY KEY,
  browser_hash   text        NOT NULL,
  client_id      text        NOT NULL REFERENCES auth_client (client_id),
  redirect_uri   text        NOT NULL,
  scope          text        NOT NULL,
  state          text,
  nonce          text,
  code_challenge text        NOT NULL,
  launch_hash    text,
  launch_user_id uuid        REFERENCES auth_user (user_id),
  user_id        uuid        REFERENCES auth_user (user_id),
  patient        text,
  encounter      text,
  fhir_context   jsonb       NOT NULL DEFAULT '[]',
  ehr_launch     boolean     NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  completed_at   timestamptz
);

CREATE TABLE auth_code (
  code_hash      text PRIMARY KEY,
  client_id      text        NOT NULL REFERENCES auth_client (client_id),
  redirect_uri   text        NOT NULL,
  scope          text        NOT NULL,
  user_id        uuid        NOT NULL REFERENCES auth_user (user_id),
  patient        text,
  encounter      text,
  fhir_context   jsonb       NOT NULL DEFAULT '[]',
  ehr_launch     boolean     NOT NULL DEFAULT false,
  nonce          text,
  code_challenge text        NOT NULL,
  grant_id       uuid        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  consumed_at    timestamptz
);

-- One row per issued access token (by jti) with the grant it carries.
CREATE TABLE auth_token (
  jti           text PRIMARY KEY,
  client_id     text        NOT NULL REFERENCES auth_client (client_id),
  user_id       uuid        REFERENCES auth_user (user_id),
  scope         text        NOT NULL,
  patient       text,
  encounter     text,
  fhir_context  jsonb       NOT NULL DEFAULT '[]',
  fhir_user     text,
  grant_id      uuid,
  issued_at     timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE INDEX auth_token_grant ON auth_token (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX auth_token_expires ON auth_token (expires_at);

-- Refresh tokens rotate: each use consumes one and issues the next in the same grant (family). Presenting a
-- consumed one again means it was stolen, so the whole grant is revoked.
CREATE TABLE auth_refresh_token (
  token_hash    text PRIMARY KEY,
  grant_id      uuid        NOT NULL,
  client_id     text        NOT NULL REFERENCES auth_client (client_id),
  user_id       uuid        REFERENCES auth_user (user_id),
  scope         text        NOT NULL,
  patient       text,
  encounter     text,
  fhir_context  jsonb       NOT NULL DEFAULT '[]',
  ehr_launch    boolean     NOT NULL DEFAULT false,
  offline       boolean     NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  consumed_at   timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX auth_refresh_token_grant ON auth_refresh_token (grant_id);

-- jti of client assertions already used, kept until they expire: a replayed assertion is refused.
CREATE TABLE auth_assertion_jti (
  client_id  text        NOT NULL,
  jti        text        NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
