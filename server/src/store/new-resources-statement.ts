/**
 * One statement that stores many new resources at once — their rows, first history rows and index rows — for the
 * creates of a transaction Bundle (store/repository.ts writeNew). The contents cross the wire once, as one JSON array;
 * the text of the statement is the same for any number of resources, so it stays prepared on each connection.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { AccessLink } from './access-links';
import { insertIndexRowsOfWrittenStatements, type NewResourceIndex } from './index-store';
import { join, prepared, raw, Sql, sql } from './sql';

export interface NewResourceRow extends NewResourceIndex {
  content: Resource;
  /** Whose Part 2 information it is; null when it is not Part 2 information. */
  part2Patients: string[] | null;
  links: AccessLink[];
}

/** Returns (res_id, resource_type, id) for each inserted resource. */
export function insertNewResourcesSql(rows: NewResourceRow[], lastUpdated: Date): Sql {
  const items = JSON.stringify(rows.map((r) => ({ c: r.content, p: r.part2Patients, l: r.links })));
  const statements = [
    sql`input AS (SELECT e.item->'c' AS content, e.item->'p' AS part2, e.item->'l' AS links
        FROM jsonb_array_elements(${items}::jsonb) AS e(item))`,
    sql`written AS (INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content, part2_patients)
        SELECT content->>'resourceType', content->>'id', 1, ${lastUpdated}, false, content,
               CASE WHEN jsonb_typeof(part2) = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(part2)) END
          FROM input RETURNING res_id, resource_type, id, content, part2_patients)`,
    sql`history AS (INSERT INTO resource_history (res_id, resource_type, id, version_id, last_updated, method, deleted, content, links, part2_patients)
        SELECT w.res_id, w.resource_type, w.id, 1, ${lastUpdated}, 'POST', false, w.content, i.links, w.part2_patients
          FROM written w JOIN input i ON i.content->>'resourceType' = w.resource_type AND i.content->>'id' = w.id)`,
    ...insertIndexRowsOfWrittenStatements(rows).map((insert, i) => sql`i${raw(String(i))} AS (${insert})`),
  ];
  return prepared(sql`WITH ${join(statements, ', ')} SELECT res_id, resource_type, id FROM written`);
}
