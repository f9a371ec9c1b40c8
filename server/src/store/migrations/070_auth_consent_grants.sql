-- What each user has approved for each app on the consent page: the scopes granted so far (a union). An EHR launch of
-- one of our own first-party apps asking for nothing beyond them skips the consent page (auth/remembered-consent.ts);
-- every other app, and any new scope, still asks.
CREATE TABLE auth_consent_grant (
  user_id    uuid        NOT NULL REFERENCES auth_user (user_id),
  client_id  text        NOT NULL REFERENCES auth_client (client_id),
  scope      text        NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, client_id)
);
