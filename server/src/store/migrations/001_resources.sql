-- Resources, their history, and the search-index tables (one shape per search-parameter type, HAPI-style).
-- res_id is a surrogate key so index rows stay narrow; (resource_type, id) is the FHIR identity.

CREATE TABLE resource (
  res_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_type text        NOT NULL,
  id            text        NOT NULL,
  version_id    integer     NOT NULL,
  last_updated  timestamptz NOT NULL,
  deleted       boolean     NOT NULL DEFAULT false,
  content       jsonb       NOT NULL,
  UNIQUE (resource_type, id)
);
CREATE INDEX resource_type_updated ON resource (resource_type, last_updated, res_id) WHERE NOT deleted;

-- One row per version; seq orders the system-wide history and gives stable paging under concurrent writes.
CREATE TABLE resource_history (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  res_id        bigint      NOT NULL REFERENCES resource (res_id),
  resource_type text        NOT NULL,
  id            text        NOT NULL,
  version_id    integer     NOT NULL,
  last_updated  timestamptz NOT NULL,
  method        text        NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
  deleted       boolean     NOT NULL,
  content       jsonb       NOT NULL,
  UNIQUE (resource_type, id, version_id)
);
CREATE INDEX resource_history_updated ON resource_history (last_updated, seq);
CREATE INDEX resource_history_type_seq ON resource_history (resource_type, seq);
CREATE INDEX resource_history_res_seq ON resource_history (res_id, seq);

-- Search indexes. Every row names the resource (res_id), its type and the search-parameter code.
-- string: value_norm is lower-cased and accent-stripped for the default (starts-with) and :contains searches.
CREATE TABLE idx_string (
  res_id        bigint NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text   NOT NULL,
  param         text   NOT NULL,
  value_norm    text   NOT NULL,
  value_exact   text   NOT NULL
);
CREATE INDEX idx_string_lookup ON idx_string (resource_type, param, value_norm text_pattern_ops, res_id);
CREATE INDEX idx_string_res ON idx_string (res_id);

-- token: system may be null (no system), code may be null (only text); text holds display/text for :text.
CREATE TABLE idx_token (
  res_id        bigint NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text   NOT NULL,
  param         text   NOT NULL,
  system        text,
  code          text,
  text_norm     text
);
CREATE INDEX idx_token_code ON idx_token (resource_type, param, code, system, res_id);
CREATE INDEX idx_token_res ON idx_token (res_id);

-- date: every value becomes the instant range it covers, so each prefix is a range comparison.
CREATE TABLE idx_date (
  res_id        bigint      NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text        NOT NULL,
  param         text        NOT NULL,
  low           timestamptz NOT NULL,
  high          timestamptz NOT NULL
);
CREATE INDEX idx_date_low ON idx_date (resource_type, param, low, res_id);
CREATE INDEX idx_date_high ON idx_date (resource_type, param, high, res_id);
CREATE INDEX idx_date_res ON idx_date (res_id);

-- number: the value and the range implied by its precision.
CREATE TABLE idx_number (
  res_id        bigint  NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text    NOT NULL,
  param         text    NOT NULL,
  value         numeric NOT NULL,
  low           numeric NOT NULL,
  high          numeric NOT NULL
);
CREATE INDEX idx_number_value ON idx_number (resource_type, param, value, res_id);
CREATE INDEX idx_number_res ON idx_number (res_id);

CREATE TABLE idx_quantity (
  res_id        bigint  NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text    NOT NULL,
  param         text    NOT NULL,
  system        text,
  code          text,
  value         numeric NOT NULL,
  low           numeric NOT NULL,
  high          numeric NOT NULL
);
CREATE INDEX idx_quantity_value ON idx_quantity (resource_type, param, value, res_id);
CREATE INDEX idx_quantity_res ON idx_quantity (res_id);

CREATE TABLE idx_uri (
  res_id        bigint NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text   NOT NULL,
  param         text   NOT NULL,
  value         text   NOT NULL
);
CREATE INDEX idx_uri_value ON idx_uri (resource_type, param, value text_pattern_ops, res_id);
CREATE INDEX idx_uri_res ON idx_uri (res_id);

-- reference: local references are (target_type, target_id); others keep the URL; identifier refs go to idx_token.
CREATE TABLE idx_reference (
  res_id        bigint NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text   NOT NULL,
  param         text   NOT NULL,
  target_type   text,
  target_id     text,
  target_url    text
);
CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, param, resource_type, res_id);
CREATE INDEX idx_reference_res ON idx_reference (res_id, param);

-- Which parameters have at least one value, so :missing is an index lookup rather than a scan of every table.
CREATE TABLE idx_present (
  res_id        bigint NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  resource_type text   NOT NULL,
  param         text   NOT NULL,
  PRIMARY KEY (res_id, param)
);
CREATE INDEX idx_present_param ON idx_present (resource_type, param, res_id);
