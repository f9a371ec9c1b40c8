/**
 * The plain creates of a transaction Bundle (`POST Type` without If-None-Exist), stored together. Each entry still
 * runs the whole pipeline on its own (dispatch: scopes, validation, the write check, its AuditEvent), but all at once:
 * the repository they get hands their creates to a collector (Repository.withCreateSink), which stores what it holds
 * in one set-based write (Repository.writeNew: one labelling statement, one statement for every row) as soon as every
 * entry has either asked to store its resource or finished. An entry's create answers only once it is stored, so
 * nothing an entry does after it can see the database without its resource. Entries do not read each other's
 * resources: that is why only plain creates are gathered (conditional creates and operations run one by one).
 */
import { FhirError, issue, outcome } from '../errors';
import type { Repository, StoredVersion, WriteRequest } from '../store/repository';
import { NewResourceRefused } from '../store/repository';
import { dispatch } from './router';
import type { FhirContext, FhirRequest, FhirResponse } from './types';

/**
 * Stands for an entry that failed only because another one was refused with it: never the error the transaction
 * reports, and what the entry's own audit record says.
 */
export class FailedWithOthers extends FhirError {
  constructor() {
    super(409, outcome(issue('error', 'processing', 'Not stored: another entry of the same transaction was refused')));
  }
}

interface PendingCreate {
  request: WriteRequest;
  resolve: (version: StoredVersion) => void;
  reject: (err: unknown) => void;
}

/** A `POST Type` entry without If-None-Exist: its handler creates one resource and reads no other entry's. */
export function isPlainCreate(request: FhirRequest): boolean {
  return request.method === 'POST' && /^[A-Z][A-Za-z]{0,63}$/.test(request.path) && !request.headers.ifNoneExist;
}

/** Dispatches the requests together in transaction `ctx.repo`; the outcome of each, in the order given. */
export async function dispatchCreatesTogether(requests: FhirRequest[], ctx: FhirContext): Promise<PromiseSettledResult<FhirResponse>[]> {
  const tx: Repository = ctx.repo;
  const pending: PendingCreate[] = [];
  let finished = 0;
  let storing = false;

  // Every entry is either waiting in `pending` or finished: nothing more will arrive before a store.
  const storeWhenAllHaveAsked = () => {
    if (storing || pending.length === 0 || finished + pending.length < requests.length) return;
    storing = true;
    const batch = pending.splice(0);
    tx.writeNew(batch.map((p) => p.request)).then(
      (versions) => batch.forEach((p, i) => p.resolve(versions[i])),
      (err) => batch.forEach((p, i) => p.reject(!(err instanceof NewResourceRefused) ? err : i === err.index ? err.cause : new FailedWithOthers())),
    ).finally(() => {
      storing = false;
      storeWhenAllHaveAsked();
    });
  };

  const runEntry = async (request: FhirRequest): Promise<FhirResponse> => {
    const collecting = tx.withCreateSink((write) => {
      // During a store every entry waits for it, so a create now comes from a write hook of that store: write it at once.
      if (storing) return tx.write(write);
      return new Promise<StoredVersion>((resolve, reject) => {
        pending.push({ request: write, resolve, reject });
        storeWhenAllHaveAsked();
      });
    });
    try {
      return await dispatch(request, { ...ctx, repo: collecting });
    } finally {
      finished++;
      storeWhenAllHaveAsked();
    }
  };
  return Promise.allSettled(requests.map(runEntry));
}
