/**
 * Where the files the server reads at run time live (profiles/, terminology/, smart-apps/, the SQL migrations,
 * the R4 OperationDefinitions): the repository root, found from this module's folder, so the same code runs from
 * server/src (tsx, jest) and from the compiled build in dist/server/src, which holds JavaScript only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

function findRepositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json in ${from} or above it`);
  }
}

export const REPO_ROOT = findRepositoryRoot(__dirname);
/** The TypeScript sources, for the non-code files kept beside them (migrations/*.sql, r4-operation-definitions.json). */
export const SERVER_SOURCE_DIR = path.join(REPO_ROOT, 'server', 'src');
