/** The public Synthea bundles in ../shared/data, in the order they must be loaded. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** ../shared/data beside the checkout (as in CI), or SHARED_DATA_DIR, or the workplace copy. */
export const SHARED_DATA = [process.env.SHARED_DATA_DIR, path.resolve(__dirname, '../../../shared/data'), '/work/shared/data']
  .find((dir): dir is string => !!dir && existsSync(dir)) ?? path.resolve(__dirname, '../../../shared/data');

/** patients50: hospital and practitioner bundles first, then the patients. */
export function patients50Files(): string[] {
  const dir = path.join(SHARED_DATA, 'synthea/patients50');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const first = files.filter((f) => f.startsWith('hospitalInformation') || f.startsWith('practitionerInformation'));
  return [...first, ...files.filter((f) => !first.includes(f))].map((f) => path.join(dir, f));
}

/** mental-health: the conditional-reference stubs first. */
export function mentalHealthFiles(): string[] {
  const dir = path.join(SHARED_DATA, 'synthea/mental-health');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
}

export function readBundle(file: string): { resourceType: string; type: string; entry?: unknown[] } {
  return JSON.parse(readFileSync(file, 'utf8'));
}
