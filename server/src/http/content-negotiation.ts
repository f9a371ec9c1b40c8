/**
 * JSON and FHIR R4 only: which request bodies we accept and which response formats we can produce. The response
 * format comes from `_format` (in the query, or in the form body of a POST `_search`: R4 http.html#search treats both
 * alike) or else from Accept; a media type naming another FHIR version (`fhirVersion=5.0`, R4 http.html#version-
 * parameter) cannot be produced either.
 */
import type { Request } from 'express';
import { notAcceptable, unsupportedMediaType } from '../errors';

const JSON_BODY_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json'];
const FORM_TYPE = 'application/x-www-form-urlencoded';
const XML_RE = /(^|[/+])xml\b/i;
const JSON_FORMATS = ['json', 'application/json', 'application/fhir+json'];
/** The `fhirVersion` values that mean R4 (major.minor, or a full 4.0.x version). */
const R4_VERSION = /^4\.0(\.\d+)?$/;

interface MediaRange {
  type: string;
  fhirVersion?: string;
}

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

/** Refuses a request whose _format (query) or Accept header admits only formats we cannot produce (406). */
export function checkAcceptable(req: Request): void {
  const format = typeof req.query._format === 'string' ? req.query._format : undefined;
  if (format !== undefined) return checkFormat(format);
  const accept = req.headers.accept;
  if (!accept) return;
  const ranges = accept.split(',').map(parseMediaRange);
  if (ranges.some((r) => producible(r) && isR4(r))) return;
  const other = ranges.find((r) => producible(r) && !isR4(r));
  if (other) throw notAcceptable(`Cannot produce FHIR version ${other.fhirVersion}: this server speaks FHIR R4 (fhirVersion=4.0)`);
  throw notAcceptable(`Cannot produce ${accept}: this server speaks JSON only (application/fhir+json)`);
}

/** `_format` sent in the form body of a POST _search counts as if it were in the query (checked after parsing). */
export function checkFormBodyFormat(req: Request): void {
  const body = req.body as Record<string, unknown> | undefined;
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_TYPE) || !body || typeof body !== 'object') return;
  const format = body._format;
  for (const value of Array.isArray(format) ? format : format === undefined ? [] : [format]) {
    if (typeof value === 'string') checkFormat(value);
  }
}

function checkFormat(format: string): void {
  const range = parseMediaRange(format);
  if (!JSON_FORMATS.includes(range.type)) throw notAcceptable(`_format=${format} is not supported: this server speaks JSON only`);
  if (!isR4(range)) throw notAcceptable(`_format=${format}: cannot produce FHIR version ${range.fhirVersion}; this server speaks FHIR R4 (fhirVersion=4.0)`);
}

function parseMediaRange(text: string): MediaRange {
  const [type, ...parameters] = text.split(';').map((part) => part.trim());
  const range: MediaRange = { type: type.toLowerCase() };
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=', 2).map((part) => part.trim());
    if (name.toLowerCase() === 'fhirversion' && value !== undefined) range.fhirVersion = value.replace(/^"|"$/g, '');
  }
  return range;
}

function producible({ type }: MediaRange): boolean {
  return type === '*/*' || type === 'application/*' || type.endsWith('json') || type === 'text/html' || type === 'text/*';
}

function isR4({ fhirVersion }: MediaRange): boolean {
  return fhirVersion === undefined || R4_VERSION.test(fhirVersion);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
