/** Wires the repository to its index extractor and write hooks: the one place store and search meet. */
import type { Pool } from 'pg';
import { extractIndexRows } from './search/index-extractor';
import { activateStoredSearchParameter } from './search/reindex/stored-param-activation';
import { Repository } from './store/repository';

export function createRepository(pool: Pool, onStatement?: (text: string) => void): Repository {
  return new Repository(pool, { extractIndex: extractIndexRows, onStatement, onWrite: activateStoredSearchParameter });
}
