/**
 * Index values PostgreSQL's btree can hold. An index entry must fit in a third of a page (about 2,700 bytes), so a
 * long indexed text would fail the write. Long values are stored in a bounded form that searches still match:
 * exact-match columns (token system/code, uri, reference URL, quantity system/code/unit) keep a prefix plus the
 * SHA-256 of the whole value, and the same key is computed from a search value, so equality stays exact; the
 * normalised string column keeps its first INDEX_TEXT_BYTES bytes (string search is "starts with").
 */
import { createHash } from 'node:crypto';

/** At most this many UTF-8 bytes of any indexed text (two of them fit in one index entry with room to spare). */
export const INDEX_TEXT_BYTES = 1000;
const HASH_CHARS = 64;

/** The stored (and searched) form of an exact-match value: itself when short, else prefix + `#` + SHA-256. */
export function indexKey(value: string): string;
export function indexKey(value: string | null): string | null;
export function indexKey(value: string | null): string | null {
  if (value === null || Buffer.byteLength(value) <= INDEX_TEXT_BYTES) return value;
  const hash = createHash('sha256').update(value).digest('hex');
  return `${truncateBytes(value, INDEX_TEXT_BYTES - HASH_CHARS - 1)}#${hash}`;
}

/** The first INDEX_TEXT_BYTES bytes of a prefix-searched value (whole characters only). */
export function indexPrefix(value: string): string {
  return Buffer.byteLength(value) <= INDEX_TEXT_BYTES ? value : truncateBytes(value, INDEX_TEXT_BYTES);
}

function truncateBytes(value: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return value.slice(0, end);
}
