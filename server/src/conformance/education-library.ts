/**
 * The patient-education library: the DocumentReferences under profiles/education/ (openly licensed text written for
 * this project), stored at start like our conformance content (PUT by id, unchanged ones not rewritten), so a
 * clinician can assign them with $assign-education.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DocumentReference } from '@medplum/fhirtypes';
import { REPO_ROOT } from '../repo-root';
import type { Repository } from '../store/repository';
import { storeConformanceResources, type StoreResult } from './store-conformance';

export const EDUCATION_LIBRARY_DIRECTORY = path.join(REPO_ROOT, 'profiles', 'education');

export function readEducationLibrary(directory = EDUCATION_LIBRARY_DIRECTORY): DocumentReference[] {
  return readdirSync(directory)
    .filter((name) => name.startsWith('DocumentReference-') && name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as DocumentReference);
}

export async function storeEducationLibrary(repo: Repository, directory = EDUCATION_LIBRARY_DIRECTORY): Promise<StoreResult> {
  return storeConformanceResources(repo, readEducationLibrary(directory));
}
