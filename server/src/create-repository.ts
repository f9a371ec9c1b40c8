/** Wires the repository to its index extractor and write hooks: the one place store and search meet. */
import type { Pool } from 'pg';
import { extractIndexRows } from './search/index-extractor';
import { activateStoredSearchParameter } from './search/reindex/stored-param-activation';
import { ensureRelabelWorker, requestRelabelIfRulesChanged } from './jobs/part2-relabel';
import { storeConsentRules } from './store/consent-rules';
import { labelForWrite, part2PatientsOf } from './store/part2-label-writer';
import { Repository, StoredVersion } from './store/repository';
import { notifyReachWrite } from './auth/user-reach';
import { notifyTerminologyWrite } from './terminology/terminology-sync';

export function createRepository(pool: Pool, onStatement?: (text: string) => void): Repository {
  return new Repository(pool, {
    extractIndex: extractIndexRows, onStatement, onWrite: afterStoreWrite, labelResource: labelForWrite, part2PatientsOf,
  });
}

/**
 * In the write's transaction: an active SearchParameter is registered, a Consent's Part 2 rules are kept in step,
 * a change of the Part 2 labelling rules queues a relabelling job, and the caches every process holds of
 * terminology and of users' reach are told (store/cache-invalidation.ts).
 */
async function afterStoreWrite(tx: Repository, written: StoredVersion): Promise<void> {
  await activateStoredSearchParameter(tx, written);
  await notifyTerminologyWrite(tx, written);
  await notifyReachWrite(tx, written);
  await storeConsentRules(tx, written);
  if (await requestRelabelIfRulesChanged(tx, written)) tx.afterCommit(() => ensureRelabelWorker(tx.outside()));
}
