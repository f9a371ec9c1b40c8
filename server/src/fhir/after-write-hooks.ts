/**
 * Work a module attaches to the REST write path: after a resource of a given type is created or updated (create,
 * update, conditional update, patch, and those entries inside batch/transaction Bundles), each hook registered for
 * that type runs in the SAME database transaction as the write, so a hook that throws rolls the write back and
 * its error is the request's. Hooks see the written version. Types without a hook are written as before (no
 * extra transaction). Today one hook exists: the IOP module scores instrument QuestionnaireResponses
 * (operations/iop/score-on-write.ts).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Repository, StoredVersion } from '../store/repository';
import type { FhirContext } from './types';

export interface AfterWriteHook {
  /** For messages and logs. */
  name: string;
  resourceType: string;
  /** `ctx.repo` is the write's transaction. */
  afterWrite(written: Resource, ctx: FhirContext): Promise<void>;
}

const hooks: AfterWriteHook[] = [];

export function registerAfterWriteHook(hook: AfterWriteHook): void {
  if (!hooks.some((h) => h.name === hook.name)) hooks.push(hook);
}

/** Runs `write`, then the hooks of `resourceType`, in one transaction (the caller's when there is one). */
export async function writeWithHooks(
  repo: Repository,
  ctx: FhirContext,
  resourceType: string,
  write: (repo: Repository) => Promise<StoredVersion>,
): Promise<StoredVersion> {
  const ours = hooks.filter((h) => h.resourceType === resourceType);
  if (ours.length === 0) return write(repo);
  return repo.transaction(async (tx) => {
    const version = await write(tx);
    for (const hook of ours) await hook.afterWrite(version.resource, { ...ctx, repo: tx });
    return version;
  });
}
