/**
 * Reads our conformance content from disk: every `*.json` under the given folders (a resource, or a Bundle of
 * them), skipping `examples/` folders and any resource that is not definitional. Unreadable files are reported,
 * not fatal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';

export interface ConformanceFile {
  file: string;
  resource: Resource;
}

export interface ConformanceProblem {
  file: string;
  message: string;
}

const SKIPPED_FOLDERS = new Set(['examples', 'node_modules']);

/** Definitional resources; anything else found (e.g. example instances in a SUSHI output folder) is left alone. */
const CONFORMANCE_TYPES = new Set([
  'StructureDefinition', 'SearchParameter', 'CodeSystem', 'ValueSet', 'ConceptMap', 'OperationDefinition',
  'ImplementationGuide', 'NamingSystem', 'CompartmentDefinition', 'StructureMap', 'GraphDefinition',
  'Questionnaire', 'PlanDefinition', 'ActivityDefinition', 'Library', 'Measure',
]);

export function readConformanceFiles(directories: string[]): { files: ConformanceFile[]; problems: ConformanceProblem[] } {
  const files: ConformanceFile[] = [];
  const problems: ConformanceProblem[] = [];
  for (const directory of directories) {
    for (const file of jsonFilesUnder(directory)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as Resource;
        if (typeof parsed?.resourceType !== 'string') throw new Error('not a FHIR resource (no resourceType)');
        for (const resource of unbundle(parsed)) if (CONFORMANCE_TYPES.has(resource.resourceType)) files.push({ file, resource });
      } catch (err) {
        problems.push({ file, message: (err as Error).message });
      }
    }
  }
  return { files, problems };
}

function unbundle(resource: Resource): Resource[] {
  if (resource.resourceType !== 'Bundle') return [resource];
  return ((resource as Bundle).entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);
}

function jsonFilesUnder(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory).sort();
  } catch {
    return []; // a folder that does not exist (yet) holds no content
  }
  const result: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) {
      if (!SKIPPED_FOLDERS.has(name)) result.push(...jsonFilesUnder(full));
    } else if (name.endsWith('.json') && name !== 'package.json') {
      result.push(full);
    }
  }
  return result;
}
