/** The public Synthea bundles the benchmarks load (../shared/data/synthea/patients50), in load order. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Patient } from '@medplum/fhirtypes';

const DATA_CANDIDATES = [process.env.SHARED_DATA_DIR, path.resolve(__dirname, '../../shared/data'), '/work/shared/data'];

export function sharedDataDir(): string {
  const dir = DATA_CANDIDATES.find((d): d is string => !!d && existsSync(path.join(d, 'synthea/patients50')));
  if (!dir) throw new Error('Synthea data not found: set SHARED_DATA_DIR to the folder holding synthea/patients50');
  return dir;
}

export interface BundleFile {
  name: string;
  text: string;
  entries: number;
}

/** Hospital and practitioner bundles (which the patient bundles reference), then up to `patientLimit` patients. */
export function readSyntheaBundles(patientLimit: number): { reference: BundleFile[]; patients: BundleFile[] } {
  const dir = path.join(sharedDataDir(), 'synthea/patients50');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const isReference = (f: string) => f.startsWith('hospitalInformation') || f.startsWith('practitionerInformation');
  const load = (f: string): BundleFile => {
    const text = readFileSync(path.join(dir, f), 'utf8');
    return { name: f, text, entries: (JSON.parse(text) as Bundle).entry?.length ?? 0 };
  };
  // Hospitals before practitioners: practitioner roles point at the organisations.
  const reference = files.filter(isReference).sort((a, b) => Number(b.startsWith('hospital')) - Number(a.startsWith('hospital'))).map(load);
  const patients = files.filter((f) => !isReference(f)).slice(0, patientLimit).map(load);
  return { reference, patients };
}

/** The Patient resources of the bundles, without ids: realistic bodies (extensions, identifiers) for CRUD. */
export function patientBodies(bundles: BundleFile[]): Patient[] {
  return bundles.map((b) => {
    const bundle = JSON.parse(b.text) as Bundle;
    const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as Patient | undefined;
    if (!patient) throw new Error(`${b.name} has no Patient`);
    const { id: _id, ...rest } = patient;
    return rest as Patient;
  });
}
