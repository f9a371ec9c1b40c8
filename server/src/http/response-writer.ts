/** Writes a FhirResponse: FHIR JSON, _pretty, and _summary/_elements on single-resource reads. */
import type { Resource } from '@medplum/fhirtypes';
import type { Response } from 'express';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { summarizeResource } from '../fhir/summary';
import type { FhirResponse } from '../fhir/types';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export interface WriteOptions {
  pretty?: boolean;
  summary?: string;
  elements?: string[];
  head?: boolean;
}

export function writeFhirResponse(res: Response, response: FhirResponse, options: WriteOptions = {}): void {
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.status(response.status);
  if (!response.body || response.status === 204 || response.status === 304) {
    res.end();
    return;
  }
  let body: Resource = withoutEmptyLists(response.body);
  if (body.resourceType !== 'Bundle' && body.resourceType !== 'OperationOutcome' && (options.summary || options.elements)) {
    body = summarizeResource(body, options.summary, options.elements);
  }
  sendJson(res, body, options);
}

/**
 * R4 JSON never holds an empty array: a searchset or history page with no entries (or `_summary=count`) omits
 * `entry`, and an operation with no outputs omits `parameter`. Builders may produce the empty lists; this is the one
 * place that leaves them out.
 */
function withoutEmptyLists(body: Resource): Resource {
  const lists = body.resourceType === 'Bundle' ? ['entry', 'link'] : body.resourceType === 'Parameters' ? ['parameter'] : [];
  const empty = lists.filter((key) => Array.isArray((body as unknown as Record<string, unknown>)[key]) && ((body as unknown as Record<string, unknown[]>)[key]).length === 0);
  if (empty.length === 0) return body;
  const copy = { ...body } as unknown as Record<string, unknown>;
  for (const key of empty) delete copy[key];
  return copy as unknown as Resource;
}

export function writeOutcome(res: Response, status: number, outcome: OperationOutcome, headers: Record<string, string> = {}, pretty = false): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status);
  sendJson(res, outcome, { pretty });
}

function sendJson(res: Response, body: unknown, options: WriteOptions): void {
  res.setHeader('Content-Type', FHIR_JSON);
  const text = options.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  if (options.head) {
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end();
  } else {
    res.send(text);
  }
}
