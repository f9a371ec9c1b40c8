/**
 * Loads our conformance content at start: StructureDefinitions (profiles, extensions) into medplum's index so
 * the validator knows them, SearchParameters into the search registry, CodeSystems/ValueSets/ConceptMaps into the
 * terminology service. Everything read is returned so it can also be stored as resources (store-conformance.ts).
 */
import path from 'node:path';
import type { Resource, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { addSearchParameter } from '../search/registry';
import { isTerminologyResource, terminology } from '../terminology/terminology-store';
import { registerProfile } from '../validation/profile-registry';
import { readConformanceFiles, type ConformanceFile, type ConformanceProblem } from './read-conformance-files';
import { REPO_ROOT } from '../repo-root';

/** profiles/ and terminology/ at the top of the repository. */
export const DEFAULT_CONFORMANCE_DIRECTORIES = [path.join(REPO_ROOT, 'profiles'), path.join(REPO_ROOT, 'terminology')];

export interface LoadedConformance {
  resources: Resource[];
  problems: ConformanceProblem[];
}

const loadedDirectories = new Set<string>();
const loaded: LoadedConformance = { resources: [], problems: [] };

/** Idempotent per folder within a process: a second call only adds folders not loaded yet. */
export function loadConformance(directories: string[] = DEFAULT_CONFORMANCE_DIRECTORIES): LoadedConformance {
  const fresh = directories.map((d) => path.resolve(d)).filter((d) => !loadedDirectories.has(d));
  if (fresh.length === 0) return loaded;
  fresh.forEach((d) => loadedDirectories.add(d));
  const { files, problems } = readConformanceFiles(fresh);
  loaded.problems.push(...problems);
  // Terminology first: profiles' bindings and search parameters may refer to it.
  const ordered = [...files].sort((a, b) => rank(a.resource) - rank(b.resource));
  for (const entry of ordered) {
    const problem = indexResource(entry);
    if (problem) loaded.problems.push(problem);
    else loaded.resources.push(entry.resource);
  }
  return loaded;
}

function indexResource({ file, resource }: ConformanceFile): ConformanceProblem | undefined {
  try {
    if (isTerminologyResource(resource)) {
      if (!resource.url) return { file, message: `${resource.resourceType} has no url, so nothing can refer to it` };
      terminology().add(resource);
    } else if (resource.resourceType === 'StructureDefinition') {
      registerProfile(resource as StructureDefinition);
    } else if (resource.resourceType === 'SearchParameter') {
      addSearchParameter(resource as SearchParameter);
    }
    return undefined;
  } catch (err) {
    return { file, message: `${resource.resourceType}: ${(err as Error).message}` };
  }
}

function rank(resource: Resource): number {
  if (resource.resourceType === 'CodeSystem') return 0;
  if (isTerminologyResource(resource)) return 1;
  if (resource.resourceType === 'StructureDefinition') return 2;
  return 3;
}
