-- Whose a version was when it was written: the references the access filter looks at (to patients, practitioners,
-- their roles, organisations and programs), kept on each history row so history and vread are filtered per version
-- in SQL (store/access-filter.ts versionAccessFilter). Index rows exist only for the current version.
ALTER TABLE resource_history ADD COLUMN links jsonb;

-- Current versions take theirs from the index; older versions written before this migration keep NULL, which the
-- filter reads as "no links" (hidden from patient- and practitioner-restricted tokens: fail closed).
UPDATE resource_history h
   SET links = coalesce((
     SELECT jsonb_agg(jsonb_build_object('param', x.param, 'target_type', x.target_type, 'target_id', x.target_id))
       FROM idx_reference x
      WHERE x.res_id = h.res_id AND x.target_type IN ('Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'HealthcareService')
        AND x.target_id IS NOT NULL), '[]'::jsonb)
  FROM resource r
 WHERE r.res_id = h.res_id AND r.version_id = h.version_id AND NOT h.deleted;
