/** Wires the repository to its index extractor, its labelling and the write hooks: the one place store, search and the hooks meet. */
import type { Pool } from 'pg';
import { extractIndexRows } from './search/index-extractor';
import { activateStoredSearchParameter } from './search/reindex/stored-param-activation';
import { ensureRelabelWorker, requestRelabelIfRulesChanged } from './jobs/part2-relabel';
import { storeConsentRules } from './store/consent-rules';
import { labelForWrites, part2PatientsOf } from './store/part2-label-writer';
import { registerWriteHook, runWriteHooks } from './fhir/write-hooks';
import { Repository, StoredVersion } from './store/repository';
import { notifyReachWrite } from './auth/user-reach';
import { notifyTerminologyWrite } from './terminology/terminology-sync';
import { subscriptionWriteHook } from './jobs/subscription-outbox';

export function createRepository(pool: Pool, onStatement?: (text: string) => void): Repository {
  return new Repository(pool, {
    extractIndex: extractIndexRows, onStatement, onWrite: runWriteHooks, labelResources: labelForWrites, part2PatientsOf,
  });
}

// In every write's transaction: an active SearchParameter is registered, the caches every process holds of
// terminology and of users' reach are told (store/cache-invalidation.ts), a Consent's Part 2 rules are kept in step,
// a change of the Part 2 labelling rules queues a relabelling job, and Subscriptions and their topics' events are
// recorded (the subscriptions' outbox). Modules add theirs (operations/iop).
registerWriteHook({ name: 'search-parameter-activation', afterWrite: (tx, written) => activateStoredSearchParameter(tx, written) });
registerWriteHook({ name: 'terminology-cache-notice', afterWrite: (tx, written) => notifyTerminologyWrite(tx, written) });
registerWriteHook({ name: 'user-reach-cache-notice', afterWrite: (tx, written) => notifyReachWrite(tx, written) });
registerWriteHook({ name: 'part2-consent-rules', afterWrite: (tx, written) => storeConsentRules(tx, written) });
registerWriteHook({ name: 'part2-relabel-request', afterWrite: relabelIfRulesChanged });
registerWriteHook(subscriptionWriteHook);

async function relabelIfRulesChanged(tx: Repository, written: StoredVersion): Promise<void> {
  if (await requestRelabelIfRulesChanged(tx, written)) tx.afterCommit(() => ensureRelabelWorker(tx.outside()));
}
