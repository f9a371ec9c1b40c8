-- The reindex job queued when a SearchParameter definition was last added or changed, so its progress can be
-- asked for by the parameter's url (GET SearchParameter/$reindex?url=…).
ALTER TABLE search_param_state ADD COLUMN reindex_job bigint REFERENCES search_reindex_job (id);
