-- The full search engine: composite parameters, quantity units, absolute-URL references, and the durable
-- reindex job that runs when a SearchParameter is added or changed.

-- Composite parameters store each component in its own type table under the code `<composite>$<n>`; `grp`
-- ties the components taken from the same element together (e.g. one Observation.component's code and value).
ALTER TABLE idx_string ADD COLUMN grp integer;
ALTER TABLE idx_token ADD COLUMN grp integer;
ALTER TABLE idx_date ADD COLUMN grp integer;
ALTER TABLE idx_number ADD COLUMN grp integer;
ALTER TABLE idx_quantity ADD COLUMN grp integer;
ALTER TABLE idx_uri ADD COLUMN grp integer;
ALTER TABLE idx_reference ADD COLUMN grp integer;

-- A quantity's code and its human unit are both searchable (`||mg` matches either).
ALTER TABLE idx_quantity ADD COLUMN unit text;
CREATE INDEX idx_quantity_code ON idx_quantity (resource_type, param, code, value, res_id);

-- References by absolute URL (canonical references, other servers, urn:uuid).
CREATE INDEX idx_reference_url ON idx_reference (target_url, param, resource_type, res_id) WHERE target_url IS NOT NULL;

-- Which SearchParameter definitions (beyond the R4 base) the stored index rows were built with: a new or changed
-- definition queues a reindex of the resource types it applies to.
CREATE TABLE search_param_state (
  url          text        PRIMARY KEY,
  fingerprint  text        NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Durable, resumable reindex jobs: a worker claims a job (FOR UPDATE SKIP LOCKED), reindexes one batch of
-- resources after last_res_id, and records its progress in the same transaction as the batch.
CREATE TABLE search_reindex_job (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_types text[]      NOT NULL,
  reason         text        NOT NULL,
  status         text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  last_res_id    bigint      NOT NULL DEFAULT 0,
  processed      bigint      NOT NULL DEFAULT 0,
  total          bigint,
  error          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX search_reindex_job_open ON search_reindex_job (id) WHERE status IN ('queued', 'running');
