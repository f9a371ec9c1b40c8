-- Topic-based subscriptions (Subscriptions R5 Backport IG on R4; docs/exchange.md). A Subscription is a stored
-- resource like any other; these tables hold what delivery needs: who owns it (their access is compiled again for
-- every delivery), its delivery state, and the outbox of events, written in the same transaction as the change
-- that raised them (jobs/subscription-outbox.ts) and delivered in order by any server process
-- (jobs/subscription-delivery.ts).

-- Delivery state, one row per Subscription. A delivery worker holds this row FOR NO KEY UPDATE (SKIP LOCKED) while it posts,
-- which is what keeps one subscription's notifications in order across processes.
CREATE TABLE subscription_state (
  subscription_id   text        PRIMARY KEY,
  topic             text        NOT NULL,
  -- The Subscription as understood at its last write (jobs/subscription-spec.ts: endpoint, headers, content, filters).
  spec              jsonb       NOT NULL,
  -- Who created it (client, user, scopes, Part 2 requester facts): jobs/export-requester.ts ExportRequester.
  owner             jsonb       NOT NULL,
  owner_client_id   text,
  owner_user_id     text,
  base_url          text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('requested', 'active', 'error', 'off')),
  error             text,
  -- Events up to this number have been acknowledged by the endpoint (or withheld from an owner who may not see them).
  delivered_through bigint      NOT NULL DEFAULT 0,
  failures          integer     NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  last_sent_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_state_topic ON subscription_state (topic) WHERE status <> 'off';
CREATE INDEX subscription_state_due ON subscription_state (next_attempt_at) WHERE status <> 'off';

-- The event counter of each subscription, apart from subscription_state so that a write raising an event never
-- waits for a delivery in flight (which holds the state row).
CREATE TABLE subscription_event_counter (
  subscription_id   text   PRIMARY KEY REFERENCES subscription_state (subscription_id) ON DELETE CASCADE,
  last_event_number bigint NOT NULL DEFAULT 0
);

-- The outbox: one row per event, numbered per subscription without gaps, in commit order of the counter's row lock.
CREATE TABLE subscription_event (
  subscription_id text        NOT NULL REFERENCES subscription_state (subscription_id) ON DELETE CASCADE,
  event_number    bigint      NOT NULL,
  resource_type   text        NOT NULL,
  resource_id     text        NOT NULL,
  version_id      integer     NOT NULL,
  occurred_at     timestamptz NOT NULL,
  PRIMARY KEY (subscription_id, event_number)
);
