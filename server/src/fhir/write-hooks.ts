/**
 * The one way to run work after a write: hooks registered here run after every resource version the repository
 * writes — REST create/update/patch/delete, batch and transaction entries, IOP operations, jobs, the demo seed —
 * inside the write's transaction (store/repository.ts calls runWriteHooks through its onWrite dependency, wired in
 * create-repository.ts). A hook that throws rolls the write back and its error is the request's. A hook sees the
 * written version and the request that asked for it (its FhirContext); maintenance writes that no request made
 * (relabelling, conformance loading) come without one.
 */
import type { Repository, StoredVersion, WriteOrigin } from '../store/repository';
import type { FhirContext } from './types';

export interface WriteHook {
  /** For messages and logs; registering a name twice keeps the first. */
  name: string;
  /** Only versions of this type; every type when absent. */
  resourceType?: string;
  /** `tx` is the write's transaction; `request` the context of the request that wrote, if any. */
  afterWrite(tx: Repository, written: StoredVersion, request: FhirContext | undefined): Promise<void>;
}

const hooks: WriteHook[] = [];

export function registerWriteHook(hook: WriteHook): void {
  if (!hooks.some((h) => h.name === hook.name)) hooks.push(hook);
}

/** Runs the hooks of the written version's type, in the order they were registered. */
export async function runWriteHooks(tx: Repository, written: StoredVersion, origin: WriteOrigin | undefined): Promise<void> {
  // Only FHIR request handlers pass an origin, and what they pass is their FhirContext (store/repository.ts).
  const request = origin as FhirContext | undefined;
  for (const hook of hooks) {
    if (!hook.resourceType || hook.resourceType === written.resourceType) await hook.afterWrite(tx, written, request);
  }
}
