-- Failed sign-ins are counted per (client address, username as typed) and per client address, never per account:
-- a lockout stops one address guessing at one username (or spraying many) without letting anyone lock the real
-- user out from elsewhere, and a username that does not exist is counted exactly like one that does.
-- key is a SHA-256 hex of the address and the lower-cased username (or the address alone), so it stays short.
CREATE TABLE auth_login_throttle (
  key           text        PRIMARY KEY,
  failures      integer     NOT NULL,
  window_start  timestamptz NOT NULL,
  blocked_until timestamptz
);
CREATE INDEX auth_login_throttle_window ON auth_login_throttle (window_start);
