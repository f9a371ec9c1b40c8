-- The audit trail: one AuditEvent per FHIR interaction and per authorization event. Rows are append-only (the
-- trigger refuses UPDATE and DELETE except sealing), and a sealer chains them: hash = sha256(prev_hash || content),
-- in chain_pos order, so a changed, removed or reordered event breaks the chain ($verify-audit-chain finds it).
CREATE TABLE audit_event (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         uuid        NOT NULL UNIQUE,
  recorded   timestamptz NOT NULL,
  type_code  text        NOT NULL,
  action     text        NOT NULL,
  outcome    text        NOT NULL,
  agent      text,
  client_id  text,
  patients   text[]      NOT NULL DEFAULT '{}',
  entities   text[]      NOT NULL DEFAULT '{}',
  source_ip  text,
  content    jsonb       NOT NULL,
  chain_pos  bigint UNIQUE,
  prev_hash  text,
  hash       text
);
CREATE INDEX audit_event_recorded ON audit_event (recorded, seq);
CREATE INDEX audit_event_patients ON audit_event USING gin (patients);
CREATE INDEX audit_event_entities ON audit_event USING gin (entities);
CREATE INDEX audit_event_agent ON audit_event (agent, recorded);
CREATE INDEX audit_event_unsealed ON audit_event (seq) WHERE chain_pos IS NULL;

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = '42501';
  END IF;
  IF OLD.chain_pos IS NOT NULL
     OR (NEW.seq, NEW.id, NEW.recorded, NEW.type_code, NEW.action, NEW.outcome, NEW.agent, NEW.client_id,
         NEW.patients, NEW.entities, NEW.source_ip, NEW.content)
        IS DISTINCT FROM (OLD.seq, OLD.id, OLD.recorded, OLD.type_code, OLD.action, OLD.outcome, OLD.agent,
         OLD.client_id, OLD.patients, OLD.entities, OLD.source_ip, OLD.content) THEN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
