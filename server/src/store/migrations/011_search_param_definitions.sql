-- Every server process loads the SearchParameters added at run time (e.g. through $reindex) from here, so all
-- replicas index and search them alike.
ALTER TABLE search_param_state ADD COLUMN definition jsonb;
