/**
 * batch and transaction Bundles. Every entry runs through the same route table as a single request.
 * A transaction is one PostgreSQL transaction: entries run in the spec's order (DELETE, POST, PUT/PATCH, GET),
 * `urn:uuid:` fullUrls (also in narrative links) and conditional references are resolved first, references marked
 * resolve-as-version-specific are pinned to the versions the transaction writes, and any failure rolls everything back.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleEntryResponse } from '@medplum/fhirtypes';
import { badRequest, FhirError, issue, outcome } from '../errors';
import type { RowFilter } from '../search/sql/context';
import type { Repository } from '../store/repository';
import { checkBundleRules } from '../validation/check-bundle-rules';
import { checkBundleEntries, toEntryRequest } from './bundle-entries';
import { collectConditionalReferences, isResource, resolveConditionalReference, rewriteReferences } from './bundle-references';
import { checkPinnedVersions, pinVersionSpecificReferences } from './bundle-version-references';
import { findConditionalTargets, lockConditionalWrites, parseQueryString } from './conditional';
import { dispatch } from './router';
import { dispatchCreatesTogether, FailedWithOthers, isPlainCreate } from './bundle-creates';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from './types';

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export async function processBundle(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const bundle = req.body as Bundle;
  if (!isResource(bundle) || bundle.resourceType !== 'Bundle') throw badRequest('POST to the FHIR base takes a Bundle of type batch or transaction');
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') throw badRequest(`Bundle.type must be batch or transaction, not ${bundle.type ?? '(none)'}`, ['Bundle.type']);
  const entries = checkBundleEntries(bundle.entry);
  const bundleProblems = checkBundleRules(bundle as unknown as Record<string, unknown>, 'Bundle').filter((i) => i.severity === 'error');
  if (bundleProblems.length > 0) throw new FhirError(400, outcome(...bundleProblems));
  const requests = entries.map((entry, index) => toEntryRequest(entry, index, req.headers.prefer));
  const responses = bundle.type === 'transaction' ? await runTransaction(requests, entries, ctx) : await runBatch(requests, ctx);
  const result: Bundle = {
    resourceType: 'Bundle',
    type: bundle.type === 'transaction' ? 'transaction-response' : 'batch-response',
    entry: responses.map((response) => toResponseEntry(response, ctx)),
  };
  return { status: 200, body: result };
}

async function runBatch(requests: FhirRequest[], ctx: FhirContext): Promise<FhirResponse[]> {
  const responses: FhirResponse[] = [];
  for (const request of requests) {
    try {
      responses.push(await ctx.repo.isolated((tx) => dispatch(request, { ...ctx, repo: tx })));
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      responses.push({ status: err.status, body: err.outcome });
    }
  }
  return responses;
}

async function runTransaction(requests: FhirRequest[], entries: BundleEntry[], ctx: FhirContext): Promise<FhirResponse[]> {
  return ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    await lockConditionalWrites(tx, conditionalWriteTypes(requests)); // all of them, sorted, before any row lock
    // Criteria resolve only to resources the caller may see (ctx.searchRowFilter): others must look absent.
    const mapping = await assignIds(tx, requests, entries, ctx.searchRowFilter);
    await addConditionalReferences(tx, requests, mapping, ctx.searchRowFilter);
    for (const request of requests) request.body = rewriteReferences(request.body, mapping, ctx.baseUrl);
    const pinned = await pinVersionSpecificReferences(tx, requests, ctx.baseUrl);
    const order = requests.map((r, i) => i).sort((a, b) => ORDER[requests[a].method] - ORDER[requests[b].method] || a - b);
    const responses: FhirResponse[] = new Array(requests.length);
    for (const run of runsOfCreates(order, requests)) {
      if (run.length === 1) {
        try {
          responses[run[0]] = await dispatch(requests[run[0]], txCtx);
        } catch (err) {
          throw entryError(err, run[0], requests[run[0]]);
        }
        continue;
      }
      const outcomes = await dispatchCreatesTogether(run.map((index) => requests[index]), txCtx);
      const real = outcomes.findIndex((o) => o.status === 'rejected' && !(o.reason instanceof FailedWithOthers));
      const failed = real >= 0 ? real : outcomes.findIndex((o) => o.status === 'rejected');
      if (failed >= 0) throw entryError((outcomes[failed] as PromiseRejectedResult).reason, run[failed], requests[run[failed]]);
      outcomes.forEach((o, i) => (responses[run[i]] = (o as PromiseFulfilledResult<FhirResponse>).value));
    }
    checkPinnedVersions(pinned, responses);
    return responses;
  });
}

/** The entries in processing order, with each stretch of consecutive plain creates as one run and every other entry alone. */
function runsOfCreates(order: number[], requests: FhirRequest[]): number[][] {
  const runs: number[][] = [];
  for (const index of order) {
    const last = runs[runs.length - 1];
    if (last && isPlainCreate(requests[index]) && isPlainCreate(requests[last[0]])) last.push(index);
    else runs.push([index]);
  }
  return runs;
}

/** The types this transaction writes conditionally: POST with If-None-Exist, and PUT/PATCH/DELETE by criteria. */
function conditionalWriteTypes(requests: FhirRequest[]): string[] {
  const conditional = (r: FhirRequest) => (r.method === 'POST'
    ? Boolean(r.headers.ifNoneExist)
    : ['PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.path.includes('/') && Object.keys(r.query).length > 0);
  return requests.filter(conditional).map((r) => r.path).filter((type) => /^[A-Z][A-Za-z]{0,63}$/.test(type));
}

/** Gives each POST its id up front and maps every fullUrl to `Type/id`, so references can be rewritten first. */
async function assignIds(tx: Repository, requests: FhirRequest[], entries: BundleEntry[], rowFilter: RowFilter | undefined): Promise<Map<string, string>> {
  const mapping = new Map<string, string>();
  for (const [index, request] of requests.entries()) {
    const fullUrl = entries[index].fullUrl;
    if (fullUrl && mapping.has(fullUrl)) throw badRequest(`Entry ${index}: duplicate fullUrl ${fullUrl}`, [`Bundle.entry[${index}].fullUrl`]);
    const resourceType = request.path.split('/')[0];
    let id: string | undefined;
    try {
      if (request.method === 'POST' && !request.path.includes('/')) {
        id = randomUUID();
        if (request.headers.ifNoneExist) {
          const matches = await findConditionalTargets(tx, resourceType, parseQueryString(request.headers.ifNoneExist), rowFilter);
          if (matches.length === 1) id = matches[0].id;
        }
        request.assignedId = id;
      } else if (request.method === 'PUT' && /^[A-Z][A-Za-z]+\/[^/]+$/.test(request.path)) {
        id = request.path.split('/')[1];
      }
    } catch (err) {
      throw entryError(err, index, request);
    }
    if (fullUrl && id) mapping.set(fullUrl, `${resourceType}/${id}`);
  }
  return mapping;
}

async function addConditionalReferences(tx: Repository, requests: FhirRequest[], mapping: Map<string, string>, rowFilter: RowFilter | undefined): Promise<void> {
  for (const [index, request] of requests.entries()) {
    for (const reference of collectConditionalReferences(request.body)) {
      if (mapping.has(reference)) continue;
      try {
        mapping.set(reference, await resolveConditionalReference(tx, reference, rowFilter));
      } catch (err) {
        throw entryError(err, index, request);
      }
    }
  }
}

/** The transaction's failure, naming the entry that caused it. */
function entryError(err: unknown, index: number, request: FhirRequest): unknown {
  if (!(err instanceof FhirError)) return err;
  const first = err.outcome.issue?.[0];
  const message = `Transaction failed at entry ${index} (${request.method} ${request.path}): ${first?.diagnostics ?? first?.details?.text ?? 'error'}`;
  const issues = [issue('error', first?.code ?? 'processing', message, [`Bundle.entry[${index}]`]), ...(err.outcome.issue ?? []).slice(1)];
  return new FhirError(err.status, outcome(...issues));
}

function toResponseEntry(response: FhirResponse, ctx: FhirContext): BundleEntry {
  const headers = response.headers ?? {};
  const entryResponse: BundleEntryResponse = { status: String(response.status) };
  if (headers.Location) entryResponse.location = headers.Location.replace(`${ctx.baseUrl}/`, '');
  if (headers.ETag) entryResponse.etag = headers.ETag;
  if (headers['Last-Modified']) entryResponse.lastModified = new Date(headers['Last-Modified']).toISOString();
  const entry: BundleEntry = { response: entryResponse };
  if (response.warnings?.length) entryResponse.outcome = outcome(...response.warnings);
  if (response.body?.resourceType === 'OperationOutcome' && response.status >= 400) entryResponse.outcome = response.body;
  else if (response.body) {
    entry.resource = response.body;
    if (response.body.id) entry.fullUrl = `${ctx.baseUrl}/${response.body.resourceType}/${response.body.id}`;
  }
  return entry;
}
