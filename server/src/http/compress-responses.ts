/**
 * Response compression (gzip, deflate, br — whichever the client's Accept-Encoding prefers) for JSON, FHIR JSON,
 * NDJSON, HTML, CSS and JavaScript above 1 KiB: a 311 KB CapabilityStatement, large search pages and Bulk Data NDJSON
 * files cross a payer's WAN several times smaller. Streamed responses (NDJSON downloads) are compressed as they go.
 */
import compression from 'compression';
import type { Request, Response } from 'express';
import { constants } from 'node:zlib';

const COMPRESSIBLE = /^(application\/(fhir\+)?(json|ndjson)|application\/x-ndjson|application\/javascript|text\/)/;

export function compressResponses() {
  return compression({
    threshold: 1024,
    // Fast levels: the server's time matters as much as the bytes on a LAN; a WAN still gains most of the ratio.
    level: 4,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (_req: Request, res: Response) => COMPRESSIBLE.test(String(res.getHeader('Content-Type') ?? ''))
      && !/no-transform/.test(String(res.getHeader('Cache-Control') ?? '')),
  });
}
