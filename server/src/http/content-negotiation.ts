/** JSON only: which request bodies we accept and which response formats we can produce. */
import type { Request } from 'express';
import { notAcceptable, unsupportedMediaType } from '../errors';

const JSON_BODY_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json'];
const FORM_TYPE = 'application/x-www-form-urlencoded';
const XML_RE = /(^|[/+])xml\b/i;

export function isJsonBodyType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return JSON_BODY_TYPES.includes(type);
}

/** Refuses XML or unknown body media types with 415 before the body is parsed. */
export function checkRequestContentType(req: Request): void {
  if (!hasBody(req)) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (JSON_BODY_TYPES.includes(type)) return;
  if (type === FORM_TYPE && req.method === 'POST' && /\/_search\/?$/.test(req.path)) return;
  if (XML_RE.test(type)) throw unsupportedMediaType('XML is not supported: send application/fhir+json');
  throw unsupportedMediaType(`Unsupported Content-Type ${JSON.stringify(type || '(none)')}: send application/fhir+json`);
}

/** Refuses a request whose _format or Accept header admits only formats we cannot produce (406). */
export function checkAcceptable(req: Request): void {
  const format = typeof req.query._format === 'string' ? req.query._format.toLowerCase() : undefined;
  if (format !== undefined) {
    if (['json', 'application/json', 'application/fhir+json'].includes(format)) return;
    throw notAcceptable(`_format=${format} is not supported: this server speaks JSON only`);
  }
  const accept = req.headers.accept;
  if (!accept) return;
  const ranges = accept.split(',').map((r) => r.split(';')[0].trim().toLowerCase());
  const acceptable = ranges.some((r) => r === '*/*' || r === 'application/*' || r.endsWith('json') || r === 'text/html' || r === 'text/*');
  if (!acceptable) throw notAcceptable(`Cannot produce ${accept}: this server speaks JSON only (application/fhir+json)`);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
