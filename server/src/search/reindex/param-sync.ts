/**
 * Brings this process's registry up to date with the SearchParameters other processes recorded in
 * search_param_state (so every replica indexes and searches them alike).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository';
import { sql } from '../../store/sql';
import { addSearchParameter } from '../registry';

let lastSync: string | undefined;

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
