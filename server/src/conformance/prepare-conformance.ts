/**
 * At start: load our profiles and terminology into memory, store them (and the patient-education library) as
 * resources, and record our
 * SearchParameters (a new or changed one queues a reindex of its types); log what was skipped.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Logger } from '../logger';
import { registerSearchParameters } from '../search/reindex/param-state';
import type { Repository } from '../store/repository';
import { DEFAULT_CONFORMANCE_DIRECTORIES, loadConformance } from './load-conformance';
import { storeEducationLibrary } from './education-library';
import { storeConformanceResources } from './store-conformance';

export async function prepareConformance(repo: Repository, logger: Logger, directories = DEFAULT_CONFORMANCE_DIRECTORIES): Promise<void> {
  const loaded = loadConformance(directories);
  const stored = await storeConformanceResources(repo, loaded.resources);
  const education = await storeEducationLibrary(repo);
  for (const problem of [...loaded.problems, ...stored.problems, ...education.problems]) logger.warn(problem, 'conformance resource skipped');
  const searchParameters = loaded.resources.filter((r): r is SearchParameter => r.resourceType === 'SearchParameter' && !!r.url);
  const registered = await registerSearchParameters(repo, searchParameters, 'profiles/ SearchParameter added or changed');
  logger.info({
    loaded: loaded.resources.length, written: stored.written, unchanged: stored.unchanged,
    searchParametersChanged: registered.changed.length, reindexJob: registered.jobId,
  }, 'profiles and terminology loaded');
}
