-- Bulk Data $export: durable jobs and their NDJSON output, both in PostgreSQL so that any server process can run,
-- resume, report and serve an export (the database is the only shared state).

CREATE TABLE bulk_export_job (
  id               uuid        PRIMARY KEY,
  status           text        NOT NULL CHECK (status IN ('accepted', 'in-progress', 'completed', 'failed', 'cancelled')),
  level            text        NOT NULL CHECK (level IN ('system', 'patient', 'group')),
  group_id         text,
  -- Patient/Group level, POST `patient` parameter: only these patients (empty = no such limit).
  patient_ids      text[]      NOT NULL DEFAULT '{}',
  types            text[]      NOT NULL,
  since            timestamptz,
  type_filters     jsonb       NOT NULL DEFAULT '{}',
  request_url      text        NOT NULL,
  -- Who asked and with which scopes: the access policy is compiled again from this when the job runs.
  requester        jsonb       NOT NULL,
  transaction_time timestamptz NOT NULL,
  -- Resumption point: the index into `types` and the last res_id written for that type.
  type_index       integer     NOT NULL DEFAULT 0,
  after_res_id     bigint      NOT NULL DEFAULT 0,
  exported         integer     NOT NULL DEFAULT 0,
  error            text,
  worker           text,
  heartbeat_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  expires_at       timestamptz NOT NULL
);
CREATE INDEX bulk_export_job_open ON bulk_export_job (created_at) WHERE status IN ('accepted', 'in-progress');

-- One row per page written: a file of the manifest is the concatenation of its type's parts, in order.
CREATE TABLE bulk_export_output (
  job_id        uuid    NOT NULL REFERENCES bulk_export_job (id) ON DELETE CASCADE,
  resource_type text    NOT NULL,
  part          integer NOT NULL,
  line_count    integer NOT NULL,
  ndjson        text    NOT NULL,
  PRIMARY KEY (job_id, resource_type, part)
);
