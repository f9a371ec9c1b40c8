/**
 * Terminology stored as resources (POSTed by clients, or ours upserted at start): reads one by id or canonical
 * URL, and builds a store that layers what a stored ValueSet needs (code systems, imported value sets the memory
 * index lacks) in front of the server's terminology, so it can be expanded like any other.
 */
import type { CodeSystem, ConceptMap, ValueSet } from '@medplum/fhirtypes';
import { notFound } from '../errors';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import { canonicalUrl, terminology, TerminologyStore, type TerminologyResource } from './terminology-store';

type Kind = TerminologyResource['resourceType'];
type ResourceOf<K extends Kind> = K extends 'CodeSystem' ? CodeSystem : K extends 'ValueSet' ? ValueSet : ConceptMap;

export async function readStoredById<K extends Kind>(repo: Repository, resourceType: K, id: string): Promise<ResourceOf<K>> {
  const current = await repo.readCurrent(resourceType, id);
  if (!current || current.deleted) throw notFound(`${resourceType}/${id} does not exist`);
  return current.resource as ResourceOf<K>;
}

export async function findStoredByUrl<K extends Kind>(repo: Repository, resourceType: K, url: string): Promise<ResourceOf<K> | undefined> {
  const rows = await repo.query<{ content: ResourceOf<K> }>(
    sql`SELECT content FROM resource WHERE resource_type = ${resourceType} AND NOT deleted AND content->>'url' = ${canonicalUrl(url)}
        ORDER BY last_updated DESC LIMIT 1`,
  );
  return rows[0]?.content;
}

/** The server's terminology plus whatever `valueSet` refers to that only the database holds. */
export async function storeWithStoredDependencies(repo: Repository, valueSet: ValueSet): Promise<TerminologyStore> {
  const base = terminology();
  const overlay = new TerminologyStore(base);
  const pending = [valueSet];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const next = pending.pop()!;
    for (const include of [...(next.compose?.include ?? []), ...(next.compose?.exclude ?? [])]) {
      if (include.system && !visited.has(include.system) && !base.codeSystem(include.system)) {
        visited.add(include.system);
        const codeSystem = await findStoredByUrl(repo, 'CodeSystem', include.system);
        if (codeSystem) overlay.add(codeSystem);
      }
      for (const url of include.valueSet ?? []) {
        if (visited.has(url) || base.valueSet(url)) continue;
        visited.add(url);
        const imported = await findStoredByUrl(repo, 'ValueSet', url);
        if (imported) {
          overlay.add(imported);
          pending.push(imported);
        }
      }
    }
  }
  return overlay;
}
