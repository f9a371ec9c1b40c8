-- Bulk Data $import (ping and pull): durable jobs and one row per input file with its per-line report, in PostgreSQL
-- so that any server process can run, resume and report an import.

CREATE TABLE bulk_import_job (
  id               uuid        PRIMARY KEY,
  status           text        NOT NULL CHECK (status IN ('accepted', 'in-progress', 'completed', 'failed', 'cancelled')),
  request_url      text        NOT NULL,
  -- Who asked and with which scopes (jobs/export-requester.ts), for status polls and for the AuditEvents.
  requester        jsonb       NOT NULL,
  -- The files to pull, in order: [{ "type": "Patient", "url": "https://…/Patient.ndjson" }].
  inputs           jsonb       NOT NULL,
  input_source     text,
  -- How to reach the files: 'https' (with an optional bearer token, deleted when the job ends) or 'file'.
  storage_type     text        NOT NULL CHECK (storage_type IN ('https', 'file')),
  bearer_token     text,
  transaction_time timestamptz NOT NULL,
  -- Resumption point: the next input to load (each input loads in one transaction with this counter).
  input_index      integer     NOT NULL DEFAULT 0,
  error            text,
  worker           text,
  heartbeat_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  expires_at       timestamptz NOT NULL
);
CREATE INDEX bulk_import_job_open ON bulk_import_job (created_at) WHERE status IN ('accepted', 'in-progress');

-- One row per input file once it has been handled: loaded whole, or rejected whole with the lines that failed.
CREATE TABLE bulk_import_file (
  job_id       uuid    NOT NULL REFERENCES bulk_import_job (id) ON DELETE CASCADE,
  input_index  integer NOT NULL,
  status       text    NOT NULL CHECK (status IN ('loaded', 'rejected')),
  line_count   integer NOT NULL,
  loaded       integer NOT NULL,
  -- NDJSON of OperationOutcome: one per failing line (rejected), or one summary (loaded).
  report       text    NOT NULL,
  PRIMARY KEY (job_id, input_index)
);
