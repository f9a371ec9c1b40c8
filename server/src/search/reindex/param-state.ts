/**
 * SearchParameters beyond the R4 base (ours from profiles/, or stored ones named in $reindex): registered in this
 * process, recorded in search_param_state with a fingerprint of what indexing depends on, and a reindex job queued
 * for their base types whenever one is new or changed. Other processes pick the definitions up when the change is
 * notified on iop_search_parameters, in the same transaction (param-sync.ts). A SearchParameter resource written
 * with status active goes through here too (stored-param-activation.ts).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository';
import { CHANNELS, notify } from '../../store/cache-invalidation';
import { sql } from '../../store/sql';
import { fingerprintOf, registerInProcess } from './param-sync';
import { enqueueReindex } from './reindex-job';
import { ensureReindexWorker } from './reindex-worker';

export interface RegistrationResult {
  /** URLs whose definition was new or changed. */
  changed: string[];
  /** The job reindexing their base types, when something changed. */
  jobId?: string;
}

/**
 * Registers the definitions in this process, records them, and queues a reindex for any new or changed one. Called
 * outside a transaction (as at start), it also starts this process's reindex worker, which runs that job and
 * resumes any job a previous run left open.
 */
export async function registerSearchParameters(repo: Repository, definitions: SearchParameter[], reason = 'SearchParameter added or changed'): Promise<RegistrationResult> {
  for (const definition of definitions) {
    if (!definition.url) throw new Error(`SearchParameter ${definition.id ?? definition.code} needs a url`);
    registerInProcess(definition);
  }
  const result = await recordDefinitions(repo, definitions, reason);
  if (!repo.inTransaction) ensureReindexWorker(repo);
  return result;
}

/**
 * Records the definitions and queues one reindex job for the base types of those that are new or changed (in one
 * transaction, or in the caller's). Does not touch this process's registry.
 */
export async function recordDefinitions(repo: Repository, definitions: SearchParameter[], reason: string): Promise<RegistrationResult> {
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
    for (const definition of changed) await notify(tx, CHANNELS.searchParameters, definition.url!);
    if (changed.length === 0) return { changed: [] };
    const types = [...new Set(changed.flatMap((d) => d.base ?? []))];
    const jobId = await enqueueReindex(tx, types, `${reason}: ${changed.map((d) => d.url).join(', ')}`);
    await tx.query(sql`UPDATE search_param_state SET reindex_job = ${jobId} WHERE url = ANY(${changed.map((d) => d.url!)}::text[])`);
    return { changed: changed.map((d) => d.url!), jobId };
  });
}
