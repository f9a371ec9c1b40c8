/**
 * One input of a Bulk Data import: pulled (HTTP(S) with the client's bearer token, or a file under IMPORT_FILE_ROOT),
 * every line parsed and validated as the REST API would validate it, then loaded all-or-nothing: if any line fails,
 * nothing of the file is stored and the report has one OperationOutcome per failing line (its number in an
 * extension and in the message). Resources keep their ids: a new id is stored with the set-based write path
 * (Repository.writeNew), an id that exists gets a new version (an update).
 */
import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { readConfig } from '../config';
import { FhirError, issue, outcome } from '../errors';
import type { Repository, WriteRequest } from '../store/repository';
import { sql } from '../store/sql';
import { assertValidResource } from '../validation/validate-resource';
import type { ImportInput, ImportJob } from './import-job-store';

export const IMPORT_LINE_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/import-line';
/** Resources per set-based write within a file's transaction. */
const WRITE_CHUNK = 500;
const FETCH_TIMEOUT_MS = 5 * 60_000;

/** An input that cannot be read (unreachable, refused, too large): the file is rejected with this message. */
export class ImportInputError extends Error {}

export interface CheckedFile {
  lineCount: number;
  /** One OperationOutcome per failing line; empty when every line is good. */
  problems: OperationOutcome[];
  /** Ids given to lines that had none (by line number), so that loading assigns the same. */
  assignedIds: Map<number, string>;
}

/** The NDJSON text of an input. */
export async function readInput(job: Pick<ImportJob, 'storage'>, input: ImportInput): Promise<string> {
  const maxBytes = readConfig().importMaxFileBytes;
  if (job.storage.type === 'file') return readLocalFile(input.url, maxBytes);
  let response: Response;
  try {
    response = await fetch(input.url, {
      headers: { accept: 'application/fhir+ndjson', ...(job.storage.bearerToken ? { authorization: `Bearer ${job.storage.bearerToken}` } : {}) },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: 'follow',
    });
  } catch (err) {
    const cause = (err as Error).cause as (Error & { code?: string }) | undefined;
    throw new ImportInputError(`GET ${input.url} failed: ${cause?.code ?? (cause?.message || (err as Error).message)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ImportInputError(`GET ${input.url} answered ${response.status} ${response.statusText}`.trim());
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > maxBytes) {
    await response.body?.cancel();
    throw new ImportInputError(`${input.url} is ${length} bytes; inputs may be at most ${maxBytes} bytes (split it into several inputs)`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let next = await reader?.read(); reader && next && !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ImportInputError(`${input.url} is larger than ${maxBytes} bytes; split it into several inputs`);
    }
    chunks.push(Buffer.from(next.value));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The path of a `file` input: inside IMPORT_FILE_ROOT, given as `file:///…` or relative to that root. */
export function localInputPath(url: string): string {
  const root = readConfig().importFileRoot;
  if (!root) throw new FhirError(400, outcome(issue('error', 'not-supported', 'storageDetail type "file" is not enabled on this server (set IMPORT_FILE_ROOT)')));
  const relative = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const resolved = path.resolve(root, relative.startsWith('/') ? path.relative(root, relative) : relative);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new FhirError(400, outcome(issue('error', 'security', `Input ${url} is outside the directory this server imports files from`)));
  }
  return resolved;
}

async function readLocalFile(url: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(localInputPath(url), 'r');
    const { size } = await handle.stat();
    if (size > maxBytes) throw new ImportInputError(`${url} is ${size} bytes; inputs may be at most ${maxBytes} bytes (split it into several inputs)`);
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof ImportInputError || err instanceof FhirError) throw err;
    throw new ImportInputError(`${url} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    await handle?.close();
  }
}

/**
 * Parses and validates every line as a resource of `type`; ids are kept (assigned when absent) and must be unique.
 * Only the problems are kept: loading parses the lines again a chunk at a time, so a large file never lives in
 * memory as objects all at once.
 */
export function checkLines(text: string, type: string): CheckedFile {
  const problems: OperationOutcome[] = [];
  const assignedIds = new Map<number, string>();
  const seen = new Map<string, number>();
  let lineCount = 0;
  for (const { number, line } of nonEmptyLines(text)) {
    lineCount++;
    const refuse = (...issues: OperationOutcomeIssue[]) => problems.push(lineOutcome(number, issues));
    let resource: Resource;
    try {
      resource = JSON.parse(line) as Resource;
    } catch (err) {
      refuse(issue('error', 'structure', `Line ${number} is not JSON: ${(err as Error).message}`));
      continue;
    }
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
      refuse(issue('error', 'structure', `Line ${number} is not a JSON object`));
      continue;
    }
    if (resource.resourceType !== type) {
      refuse(issue('error', 'invalid', `Line ${number} is a ${String(resource.resourceType ?? 'resource without resourceType')}; this input holds ${type} resources`));
      continue;
    }
    if (resource.id === undefined) assignedIds.set(number, (resource.id = randomUUID()));
    const earlier = seen.get(resource.id);
    if (earlier !== undefined) {
      refuse(issue('error', 'duplicate', `Line ${number} repeats the id ${resource.id} of line ${earlier}`, [`${type}.id`]));
      continue;
    }
    seen.set(resource.id, number);
    try {
      assertValidResource(resource);
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      refuse(...(err.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal')
        .map((i) => ({ ...i, diagnostics: `Line ${number}: ${i.diagnostics ?? i.details?.text ?? 'invalid'}` })));
    }
  }
  return { lineCount, problems, assignedIds };
}

function* nonEmptyLines(text: string): Generator<{ number: number; line: string }> {
  let number = 0;
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    number++;
    const line = text.slice(start, stop).trim();
    if (line !== '') yield { number, line };
    start = stop + 1;
  }
}

function lineOutcome(line: number, issues: OperationOutcomeIssue[]): OperationOutcome {
  return { ...outcome(...issues), extension: [{ url: IMPORT_LINE_EXTENSION, valueInteger: line }] };
}

/** Stores the lines of a checked file in `tx`, a chunk at a time: new ids together, existing ones as new versions. */
export async function loadResources(tx: Repository, type: string, text: string, checked: CheckedFile): Promise<number> {
  let loaded = 0;
  let chunk: Resource[] = [];
  for (const { number, line } of nonEmptyLines(text)) {
    const resource = JSON.parse(line) as Resource;
    resource.id ??= checked.assignedIds.get(number);
    chunk.push(resource);
    if (chunk.length === WRITE_CHUNK) {
      loaded += await loadChunk(tx, type, chunk);
      chunk = [];
    }
  }
  return loaded + (chunk.length > 0 ? await loadChunk(tx, type, chunk) : 0);
}

async function loadChunk(tx: Repository, type: string, chunk: Resource[]): Promise<number> {
  // Locks the rows that exist, so that their updates and the creates of the others do not race another writer.
  const existing = new Set((await tx.query<{ id: string }>(sql`SELECT id FROM resource WHERE resource_type = ${type}
      AND id = ANY(${chunk.map((r) => r.id!)}::text[]) FOR UPDATE`)).map((row) => row.id));
  const creates: WriteRequest[] = chunk.filter((r) => !existing.has(r.id!))
    .map((resource) => ({ resourceType: type, id: resource.id!, method: 'POST', resource, isNew: true }));
  await tx.writeNew(creates);
  for (const resource of chunk.filter((r) => existing.has(r.id!))) await tx.write({ resourceType: type, id: resource.id!, method: 'PUT', resource });
  return chunk.length;
}

/** The report of a file that could not be read at all. */
export function unreadableReport(input: ImportInput, message: string): string {
  return `${JSON.stringify(outcome(issue('error', 'not-found', `${message} (input ${input.type} ${input.url})`)))}\n`;
}

/** The one-line report of a loaded file. */
export function loadedReport(input: ImportInput, loaded: number): string {
  return `${JSON.stringify(outcome(issue('information', 'informational', `Loaded ${loaded} ${input.type} resources from ${input.url}`)))}\n`;
}
