/**
 * The shape of a batch/transaction Bundle's entries, checked before any entry runs: every entry is an object with a
 * request of string method and url, an optional resource that is a resource, and string headers; at most
 * MAX_BUNDLE_ENTRIES entries. Each refusal names the entry (`Bundle.entry[3].request.url`). Then each entry becomes
 * the FhirRequest the route table runs.
 */
import type { BundleEntry } from '@medplum/fhirtypes';
import { badRequest, FhirError, issue, outcome, payloadTooLarge } from '../errors';
import { parseQueryString } from './conditional';
import { decodeFhirPath } from './request-text';
import type { FhirRequest, HttpMethod } from './types';

/** Entries of one batch or transaction (docs/operations.md): bigger Bundles are refused with 413 before any work. */
export const MAX_BUNDLE_ENTRIES = 5_000;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_HEADERS = ['ifMatch', 'ifNoneMatch', 'ifModifiedSince', 'ifNoneExist'] as const;

/** Returns the entries (none when absent), or throws a 400/413 naming the first entry of the wrong shape. */
export function checkBundleEntries(entry: unknown): BundleEntry[] {
  if (entry === undefined) return [];
  if (!Array.isArray(entry)) throw badRequest('Bundle.entry must be an array of entries', ['Bundle.entry']);
  if (entry.length > MAX_BUNDLE_ENTRIES) {
    throw payloadTooLarge(`The Bundle has ${entry.length} entries; at most ${MAX_BUNDLE_ENTRIES} are accepted in one batch or transaction (split it)`);
  }
  entry.forEach(checkEntry);
  return entry as BundleEntry[];
}

function checkEntry(entry: unknown, index: number): void {
  const at = `Bundle.entry[${index}]`;
  if (!isObject(entry)) throw badRequest(`Entry ${index} must be an object with a request`, [at]);
  const { request, resource, fullUrl } = entry;
  if (!isObject(request)) throw badRequest(`Entry ${index}: request must be an object with method and url`, [`${at}.request`]);
  if (typeof request.method !== 'string' || !METHODS.has(request.method)) {
    throw badRequest(`Entry ${index}: request.method is missing or invalid`, [`${at}.request.method`]);
  }
  if (typeof request.url !== 'string' || request.url.length === 0) throw badRequest(`Entry ${index}: request.url is missing or not a string`, [`${at}.request.url`]);
  for (const name of REQUEST_HEADERS) {
    if (request[name] !== undefined && typeof request[name] !== 'string') throw badRequest(`Entry ${index}: request.${name} must be a string`, [`${at}.request.${name}`]);
  }
  if (fullUrl !== undefined && typeof fullUrl !== 'string') throw badRequest(`Entry ${index}: fullUrl must be a string`, [`${at}.fullUrl`]);
  if (resource !== undefined && (!isObject(resource) || typeof resource.resourceType !== 'string')) {
    throw badRequest(`Entry ${index}: resource must be a FHIR resource (a JSON object with a resourceType)`, [`${at}.resource`]);
  }
}

/** The request an entry stands for (its shape already checked); errors name the entry. */
export function toEntryRequest(entry: BundleEntry, index: number, prefer: string | undefined): FhirRequest {
  const where = [`Bundle.entry[${index}].request.url`];
  const { method, url } = entry.request as { method: HttpMethod; url: string };
  const [rawPath, queryString] = url.replace(/^\//, '').split('?', 2);
  let path: string;
  let query: Record<string, string[]>;
  try {
    path = decodeFhirPath(rawPath);
    query = queryString ? parseQueryString(queryString) : {};
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    throw new FhirError(err.status, outcome(issue('error', 'invalid', `Entry ${index}: ${err.message}`, where)));
  }
  if (path === '' && method === 'POST') throw badRequest(`Entry ${index}: nested batch/transaction Bundles are not allowed`, [`Bundle.entry[${index}]`]);
  return {
    method,
    path,
    query,
    body: entry.resource,
    headers: {
      ifMatch: entry.request?.ifMatch,
      ifNoneMatch: entry.request?.ifNoneMatch,
      ifModifiedSince: entry.request?.ifModifiedSince,
      ifNoneExist: entry.request?.ifNoneExist,
      prefer,
      contentType: (entry.resource as { contentType?: string } | undefined)?.contentType,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
