/** At start: load our profiles and terminology into memory, then store them as resources; log what was skipped. */
import type { Logger } from '../logger';
import type { Repository } from '../store/repository';
import { DEFAULT_CONFORMANCE_DIRECTORIES, loadConformance } from './load-conformance';
import { storeConformanceResources } from './store-conformance';

export async function prepareConformance(repo: Repository, logger: Logger, directories = DEFAULT_CONFORMANCE_DIRECTORIES): Promise<void> {
  const loaded = loadConformance(directories);
  const stored = await storeConformanceResources(repo, loaded.resources);
  for (const problem of [...loaded.problems, ...stored.problems]) logger.warn(problem, 'conformance resource skipped');
  logger.info({ loaded: loaded.resources.length, written: stored.written, unchanged: stored.unchanged }, 'profiles and terminology loaded');
}
