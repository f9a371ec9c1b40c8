/**
 * SearchParameters beyond the R4 base (ours from profiles/, or stored ones named in $reindex): registered in this
 * process, recorded in search_param_state with a fingerprint of what indexing depends on, and a reindex job queued
 * for their base types whenever one is new or changed. Other processes pick the definitions up with
 * syncSearchParameters (the reindex worker calls it on every round).
 */
import { createHash } from 'node:crypto';
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository';
import { sql } from '../../store/sql';
import { addSearchParameter } from '../registry';
import { enqueueReindex } from './reindex-job';

export interface RegistrationResult {
  /** URLs whose definition was new or changed. */
  changed: string[];
  /** The job reindexing their base types, when something changed. */
  jobId?: string;
}

let lastSync: string | undefined;

/** What the index rows of a parameter depend on; any change means existing rows are stale. */
export function fingerprintOf(definition: SearchParameter): string {
  const { code, base, type, expression, component, target } = definition;
  return createHash('sha256').update(JSON.stringify({ code, base, type, expression, component, target })).digest('hex');
}

export async function registerSearchParameters(repo: Repository, definitions: SearchParameter[], reason = 'SearchParameter added or changed'): Promise<RegistrationResult> {
  for (const definition of definitions) {
    if (!definition.url) throw new Error(`SearchParameter ${definition.id ?? definition.code} needs a url`);
    addSearchParameter(definition);
  }
  return repo.transaction(async (tx) => {
    const changed: SearchParameter[] = [];
    for (const definition of definitions) {
      const fingerprint = fingerprintOf(definition);
      const rows = await tx.query<{ url: string }>(sql`
        INSERT INTO search_param_state (url, fingerprint, definition, updated_at) VALUES (${definition.url}, ${fingerprint}, ${definition}, now())
        ON CONFLICT (url) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, definition = EXCLUDED.definition, updated_at = now()
          WHERE search_param_state.fingerprint <> EXCLUDED.fingerprint
        RETURNING url`);
      if (rows.length > 0) changed.push(definition);
    }
    if (changed.length === 0) return { changed: [] };
    const types = [...new Set(changed.flatMap((d) => d.base ?? []))];
    const jobId = await enqueueReindex(tx, types, `${reason}: ${changed.map((d) => d.url).join(', ')}`);
    return { changed: changed.map((d) => d.url!), jobId };
  });
}

/** Registers in this process every definition another process recorded since the last sync. */
export async function syncSearchParameters(repo: Repository): Promise<number> {
  const rows = await repo.query<{ definition: SearchParameter | null; updated_at: Date }>(sql`
    SELECT definition, updated_at FROM search_param_state
    WHERE definition IS NOT NULL AND (${lastSync ?? null}::timestamptz IS NULL OR updated_at > ${lastSync ?? null}::timestamptz)
    ORDER BY updated_at`);
  for (const row of rows) {
    if (row.definition) addSearchParameter(row.definition);
    lastSync = row.updated_at.toISOString();
  }
  return rows.length;
}
