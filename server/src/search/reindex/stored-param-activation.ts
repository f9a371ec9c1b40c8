/**
 * A SearchParameter resource written with status `active` takes effect: checked (a definition the indexer cannot
 * use refuses the write with 422), recorded in search_param_state and a reindex job queued for its base types, all
 * in the write's transaction; registered in this process once that commits, and in the others when the
 * notification sent in that transaction reaches them (param-sync.ts). Drafts and retired ones are only stored. Progress: GET SearchParameter/$reindex?url=<its url>.
 */
import { isResourceType, parseFhirPath } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { unprocessable } from '../../errors';
import type { Repository, StoredVersion } from '../../store/repository';
import { getSearchParam } from '../registry';
import { recordDefinitions } from './param-state';
import { registerInProcess } from './param-sync';
import { ensureReindexWorker } from './reindex-worker';

const ABSTRACT_BASES = new Set(['Resource', 'DomainResource']);
const INDEXED_TYPES = new Set(['string', 'token', 'reference', 'date', 'number', 'quantity', 'uri', 'composite']);

export async function activateStoredSearchParameter(tx: Repository, written: StoredVersion): Promise<void> {
  if (written.resourceType !== 'SearchParameter' || written.deleted) return;
  const definition = written.resource as SearchParameter;
  if (definition.status !== 'active') return;
  assertIndexable(definition);
  const { changed } = await recordDefinitions(tx, [definition], `SearchParameter/${written.id} written`);
  if (changed.length === 0) return;
  const root = tx.outside();
  tx.afterCommit(() => {
    registerInProcess(definition);
    ensureReindexWorker(root);
  });
}

/** The checks the index extractor relies on: a bad expression here would otherwise fail every later write of its types. */
function assertIndexable(definition: SearchParameter): void {
  const refuse = (message: string, path: string) =>
    unprocessable(`SearchParameter ${definition.url ?? ''} cannot be activated: ${message}`, [`SearchParameter.${path}`]);
  if (!definition.url) throw refuse('it needs a url', 'url');
  if (!definition.code || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(definition.code)) throw refuse('its code must be a plain name', 'code');
  if (!definition.type || !INDEXED_TYPES.has(definition.type)) throw refuse(`type ${definition.type ?? '(none)'} is not indexed`, 'type');
  if (!definition.base?.length) throw refuse('it needs a base', 'base');
  for (const base of definition.base) {
    if (!ABSTRACT_BASES.has(base) && !isResourceType(base)) throw refuse(`${base} is not a resource type`, 'base');
  }
  if (!definition.expression) throw refuse('it needs a FHIRPath expression', 'expression');
  try {
    parseFhirPath(definition.expression);
  } catch (err) {
    throw refuse(`its expression does not parse (${err instanceof Error ? err.message : String(err)})`, 'expression');
  }
  for (const base of definition.base) {
    const existing = ABSTRACT_BASES.has(base) ? undefined : getSearchParam(base, definition.code);
    if (existing && existing.definition.url !== definition.url) {
      throw refuse(`${base} already has a parameter ${definition.code} (${existing.definition.url})`, 'code');
    }
  }
}
