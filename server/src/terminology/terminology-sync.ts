/**
 * Our terminology (terminology/, held in terminology()) as the database holds it: when a CodeSystem, ValueSet or
 * ConceptMap with one of our canonical URLs is stored, the newest stored version (by lastUpdated, as the billing
 * rules always read them) replaces the shipped copy in every process, and the shipped copy comes back when none is
 * left. So $expand, $translate, validation and the billing tables follow a PUT, on every process.
 * Invalidation: every terminology write notifies iop_terminology in its transaction (`<type> <res_id> <url>`); each
 * process reads that URL again, and any URL it held from that res_id (a deletion, or a stored copy given another
 * url). The writing process holds its own write at once, after the commit. After a lost listener: every URL again.
 */
import type { Pool } from 'pg';
import type { Repository, StoredVersion } from '../store/repository';
import { CHANNELS, notify, subscribeCache } from '../store/cache-invalidation';
import { queryRows, sql } from '../store/sql';
import { isTerminologyResource, terminology, type TerminologyResource } from './terminology-store';

type Kind = TerminologyResource['resourceType'];
interface Wanted {
  resourceType: Kind;
  url: string;
}

const KINDS: Kind[] = ['CodeSystem', 'ValueSet', 'ConceptMap'];

subscribeCache({
  name: 'terminology',
  channels: [CHANNELS.terminology],
  onMessage: (_channel, payload, db) => (db ? refreshAfterWrite(db, payload) : undefined),
  reload: (db) => refresh(db, terminology().ownUrls()),
});

/** In a write's transaction: tells every process that a terminology resource changed. */
export async function notifyTerminologyWrite(tx: Repository, written: StoredVersion): Promise<void> {
  if (!isTerminologyResource({ resourceType: written.resourceType })) return;
  const url = written.deleted ? '' : (written.resource as TerminologyResource).url ?? '';
  await notify(tx, CHANNELS.terminology, `${written.resourceType} ${written.resId} ${url}`);
  if (url && terminology().isOwn(written.resourceType, url)) {
    // The writer's next request must see it now, not once its own message has come back.
    tx.afterCommit(() => terminology().useStored(written.resource as TerminologyResource, `${written.resId}:${written.versionId}`));
  }
}

async function refreshAfterWrite(db: Pool, payload: string): Promise<void> {
  const [resourceType, resId, ...rest] = payload.split(' ');
  const url = rest.join(' ');
  const store = terminology();
  const wanted = store.ownUrls().filter((own) =>
    (own.resourceType === resourceType && own.url === url) || store.storedVersion(own.resourceType, own.url)?.startsWith(`${resId}:`));
  if (wanted.length > 0) await refresh(db, wanted);
}

/** Reads the newest stored version of each URL and holds it (or the shipped copy when none is stored). */
async function refresh(db: Pool, wanted: Wanted[]): Promise<void> {
  if (wanted.length === 0) return;
  const store = terminology();
  const newest = await queryRows<{ resource_type: Kind; url: string; res_id: string; version: string }>(db, sql`
    SELECT DISTINCT ON (r.resource_type, u.value) r.resource_type, u.value AS url, r.res_id, r.res_id || ':' || r.version_id AS version
      FROM idx_uri u JOIN resource r ON r.res_id = u.res_id
     WHERE u.resource_type = ANY(${KINDS}::text[]) AND u.param = 'url' AND u.value = ANY(${wanted.map((w) => w.url)}::text[]) AND NOT r.deleted
     ORDER BY r.resource_type, u.value, r.last_updated DESC, r.res_id DESC`);
  const found = new Map(newest.map((row) => [`${row.resource_type} ${row.url}`, row]));
  const changed = [...found.values()].filter((row) =>
    wanted.some((w) => w.resourceType === row.resource_type && w.url === row.url) && store.storedVersion(row.resource_type, row.url) !== row.version);
  const contents = changed.length === 0 ? [] : await queryRows<{ res_id: string; version: string; content: TerminologyResource }>(db, sql`
    SELECT res_id, res_id || ':' || version_id AS version, content FROM resource WHERE res_id = ANY(${changed.map((c) => c.res_id)}::bigint[])`);
  for (const row of contents) store.useStored(row.content, row.version);
  for (const w of wanted) if (!found.has(`${w.resourceType} ${w.url}`)) store.useShipped(w.resourceType, w.url);
}
