/**
 * Response compression (gzip, deflate, br — whichever the client's Accept-Encoding prefers) for JSON, FHIR JSON,
 * NDJSON, HTML, CSS and JavaScript larger than TCP's initial congestion window: a 311 KB CapabilityStatement, large
 * search pages and Bulk Data NDJSON files cross a payer's WAN several times smaller. A response that fits in the
 * first window (10 segments, about 14 KB: a single resource, a short search page) reaches the client in the same
 * round trip compressed or not, so it is sent as is: compressing it would cost the server time and save the client
 * none. Streamed responses (NDJSON downloads) are compressed as they go.
 */
import compression from 'compression';
import type { Request, Response } from 'express';
import { constants } from 'node:zlib';

/** RFC 6928's initial window of 10 segments of a typical 1,460-byte MSS. */
const INITIAL_WINDOW_BYTES = 14 * 1024;
const COMPRESSIBLE = /^(application\/(fhir\+)?(json|ndjson)|application\/x-ndjson|application\/javascript|text\/)/;

export function compressResponses() {
  return compression({
    threshold: INITIAL_WINDOW_BYTES,
    // Fast levels: the server's time matters as much as the bytes on a LAN; a WAN still gains most of the ratio.
    level: 4,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (_req: Request, res: Response) => COMPRESSIBLE.test(String(res.getHeader('Content-Type') ?? ''))
      && !/no-transform/.test(String(res.getHeader('Cache-Control') ?? '')),
  });
}
