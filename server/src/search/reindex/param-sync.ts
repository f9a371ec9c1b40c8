/**
 * Keeps this process's registry in step with search_param_state, where every process records the SearchParameters
 * it added beyond the R4 base, so every replica indexes and searches them alike. Compared by fingerprint, not by
 * time: a definition committed late (by a transaction that started early) is never missed.
 * Invalidation: recording a new or changed definition notifies iop_search_parameters (its url) in the same
 * transaction, and every process registers it; after a lost listener every process compares all fingerprints
 * again. A reindex batch also syncs before it indexes, so no batch runs with a registry older than its job.
 */
import { createHash } from 'node:crypto';
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository';
import { CHANNELS, subscribeCache } from '../../store/cache-invalidation';
import { queryRows, sql } from '../../store/sql';
import { addSearchParameter } from '../registry';

/** url → fingerprint of the definition registered in this process. */
const registered = new Map<string, string>();

type Reader = Pick<Repository, 'query'>;

subscribeCache({
  name: 'search-parameters',
  channels: [CHANNELS.searchParameters],
  onMessage: async (_channel, url, db) => {
    if (db) await syncSearchParameters(readerOf(db), url);
  },
  reload: async (db) => {
    await syncSearchParameters(readerOf(db));
  },
});

/** What the index rows of a parameter depend on; any change means existing rows are stale. */
export function fingerprintOf(definition: SearchParameter): string {
  const { code, base, type, expression, component, target } = definition;
  return createHash('sha256').update(JSON.stringify({ code, base, type, expression, component, target })).digest('hex');
}

/** Registers a definition in this process (and remembers it, so a sync does not register it again). */
export function registerInProcess(definition: SearchParameter): void {
  addSearchParameter(definition);
  if (definition.url) registered.set(definition.url, fingerprintOf(definition));
}

/**
 * Registers in this process every recorded definition (or only the one with `url`) that is new or differs from
 * the one it has; returns how many.
 */
export async function syncSearchParameters(repo: Reader, url?: string): Promise<number> {
  const states = await repo.query<{ url: string; fingerprint: string }>(sql`
    SELECT url, fingerprint FROM search_param_state WHERE definition IS NOT NULL AND (${url ?? null}::text IS NULL OR url = ${url ?? null})`);
  const stale = states.filter((s) => registered.get(s.url) !== s.fingerprint).map((s) => s.url);
  if (stale.length === 0) return 0;
  const rows = await repo.query<{ definition: SearchParameter }>(sql`
    SELECT definition FROM search_param_state WHERE url = ANY(${stale}::text[]) ORDER BY updated_at, url`);
  for (const row of rows) registerInProcess(row.definition);
  return rows.length;
}

function readerOf(db: Parameters<typeof queryRows>[0]): Reader {
  return { query: (statement) => queryRows(db, statement) } as Reader;
}
