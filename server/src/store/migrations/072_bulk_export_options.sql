-- Bulk Data $export options (issue 14): `_elements` (top-level elements kept in every exported resource, as
-- `element` or `Type.element`) and `includeAssociatedData` (e.g. LatestProvenanceResources).
ALTER TABLE bulk_export_job ADD COLUMN elements text[] NOT NULL DEFAULT '{}';
ALTER TABLE bulk_export_job ADD COLUMN associated_data text[] NOT NULL DEFAULT '{}';

-- The associated resources (Provenance) a job has written, so one that several exported resources share, or that
-- the job also exports as a type of its own, is written once; rows go with the page that writes them.
CREATE TABLE bulk_export_associated (
  job_id uuid   NOT NULL REFERENCES bulk_export_job (id) ON DELETE CASCADE,
  res_id bigint NOT NULL,
  PRIMARY KEY (job_id, res_id)
);
