-- The audit hash chain moves out of audit_event into its own insert-only table (issue 18). Sealing used to UPDATE
-- every event once: a second, non-HOT version of a wide row (chain_pos sits in the predicate of a partial index),
-- every btree and both GIN indexes written again, the append-only trigger comparing the whole content, and the dead
-- row left to vacuum — more work in PostgreSQL than the read the event audits. Now events are written once; a
-- statement trigger queues their seq in audit_unsealed, and the sealer moves them from that queue into audit_chain.
-- Links sealed before this migration keep format 1 (sha256 of the previous hash and the canonical JSON that
-- audit/audit-chain.ts builds from the event's columns) and still verify. New links are format 2: the same
-- construction over audit_event_sealed_text(), text PostgreSQL writes itself (the columns as a JSON array, the time in
-- UTC, then the content's jsonb text, whose key order and spacing jsonb fixes), so the sealer no longer parses every
-- event's content and re-serialises it in JavaScript.

CREATE TABLE audit_chain (
  chain_pos bigint PRIMARY KEY,
  seq       bigint NOT NULL UNIQUE,
  prev_hash text   NOT NULL,
  hash      text   NOT NULL,
  format    smallint NOT NULL DEFAULT 2 CHECK (format IN (1, 2))
);

CREATE TABLE audit_unsealed (
  seq bigint PRIMARY KEY
);

INSERT INTO audit_chain (chain_pos, seq, prev_hash, hash, format)
  SELECT chain_pos, seq, prev_hash, hash, 1 FROM audit_event WHERE chain_pos IS NOT NULL;
INSERT INTO audit_unsealed (seq) SELECT seq FROM audit_event WHERE chain_pos IS NULL;

-- No update of an event is allowed any more, sealing included.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = '42501';
END $$;

DROP INDEX audit_event_unsealed;
ALTER TABLE audit_event DROP COLUMN chain_pos, DROP COLUMN prev_hash, DROP COLUMN hash;

CREATE FUNCTION audit_event_queue_for_sealing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_unsealed (seq) SELECT seq FROM added;
  RETURN NULL;
END $$;

CREATE TRIGGER audit_event_to_seal AFTER INSERT ON audit_event
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION audit_event_queue_for_sealing();

-- The chain itself is append-only as the events are.
CREATE FUNCTION audit_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit chain is append-only' USING ERRCODE = '42501';
END $$;

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_chain_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_append_only();

-- What a format 2 link hashes: every column but seq, independent of the session's time zone and date style.
CREATE FUNCTION audit_event_sealed_text(e audit_event) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_array(e.id, to_char(e.recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.type_code, e.action,
           e.outcome, e.agent, e.client_id, e.patients, e.entities, e.source_ip)::text || E'\n' || e.content::text
$$;
