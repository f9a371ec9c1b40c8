-- 42 CFR Part 2 (docs/part2.md). A resource labelled 42CFRPart2 carries, on its row and on each history row, the
-- patients whose Part 2 information it is (part2_patients; NULL = not Part 2 information, '{}' = Part 2 information
-- of nobody we can name, which only the program and administrators see). The access filter releases such a row
-- outside the program only when every one of those patients has a matching consent (or an emergency access).
ALTER TABLE resource ADD COLUMN part2_patients text[];
ALTER TABLE resource_history ADD COLUMN part2_patients text[];

-- The interpretable provisions of active Part 2 Consents, written in the Consent's own write transaction
-- (store/consent-rules.ts). rule_no 0 is the permit provision; the nested deny provisions follow. Empty arrays in a
-- deny mean "whatever the permit allowed"; a permit always names its recipients and purposes (else no row: a
-- consent the server cannot interpret permits nothing).
CREATE TABLE part2_consent_rule (
  consent_res_id bigint    NOT NULL REFERENCES resource (res_id) ON DELETE CASCADE,
  consent_id     text      NOT NULL,
  rule_no        integer   NOT NULL,
  patient_id     text      NOT NULL,
  effect         text      NOT NULL CHECK (effect IN ('permit', 'deny')),
  recipients     text[]    NOT NULL,
  purposes       text[]    NOT NULL,
  period         tstzrange NOT NULL,
  classes        text[]    NOT NULL,
  labels         text[]    NOT NULL,
  PRIMARY KEY (consent_res_id, rule_no)
);
CREATE INDEX part2_consent_rule_patient ON part2_consent_rule (patient_id, effect);

-- Emergency access (§2.51): a user broke the glass for one patient, for a limited time.
CREATE TABLE part2_break_glass (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fhir_user   text        NOT NULL,
  username    text,
  patient_id  text        NOT NULL,
  reason      text        NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX part2_break_glass_user ON part2_break_glass (fhir_user, patient_id, expires_at);

-- Accounting of disclosures: one row per patient per response that released Part 2 records outside the program.
CREATE TABLE part2_disclosure (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  disclosed_at timestamptz NOT NULL DEFAULT now(),
  patient_id   text        NOT NULL,
  recipient    text        NOT NULL,
  client_id    text,
  username     text,
  purpose      text        NOT NULL,
  basis        text        NOT NULL CHECK (basis IN ('consent', 'emergency')),
  consent_id   text,
  resources    text[]      NOT NULL,
  request      text        NOT NULL
);
CREATE INDEX part2_disclosure_patient ON part2_disclosure (patient_id, disclosed_at);

-- Who a backend client acts for, and the purposes of use it may claim; the purpose a token was issued for.
ALTER TABLE auth_client ADD COLUMN organization text CHECK (organization ~ '^Organization/[A-Za-z0-9.-]{1,64}$');
ALTER TABLE auth_client ADD COLUMN purposes text[] NOT NULL DEFAULT '{}';
ALTER TABLE auth_token ADD COLUMN purpose text;

-- The relabelling job (jobs/part2-relabel.ts): when the labelling rules change (the SUD ValueSet, a program's Part 2
-- flag), every resource is labelled again in res_id order, resumable by any process from last_res_id; a pass that
-- labelled something is followed by another (a resource may refer to one written after it).
CREATE TABLE part2_relabel_job (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint  text        NOT NULL,
  reason       text        NOT NULL,
  status       text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'superseded')),
  pass         integer     NOT NULL DEFAULT 1,
  last_res_id  bigint      NOT NULL DEFAULT 0,
  relabelled   integer     NOT NULL DEFAULT 0,
  pass_relabelled integer  NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
-- Resources written before labelling existed are labelled by a first job.
INSERT INTO part2_relabel_job (fingerprint, reason) VALUES ('', 'labelling introduced (migration 050)');
