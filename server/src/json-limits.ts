/**
 * What a JSON request body may hold, checked once right after parsing and before any handler, validator, FHIRPath
 * or SQL sees it: nesting at most MAX_JSON_DEPTH deep, arrays of at most MAX_JSON_ARRAY items, finite numbers, and
 * strings and keys that PostgreSQL's jsonb can store (no NUL, no unpaired UTF-16 surrogate). The walk is iterative,
 * so a body nested 100,000 deep is refused instead of overflowing the stack. Refusals name the element.
 */
import type { NextFunction, Request, Response } from 'express';
import { badRequest, payloadTooLarge } from './errors';

/** Objects and arrays nested inside one another (a Patient's name[0].given is 4 deep). */
export const MAX_JSON_DEPTH = 100;
/** Items in any one array (Bundle.entry has its own, lower limit: fhir/bundle-entries.ts). Shared by the FHIR API, /admin and /auth/launch. */
export const MAX_JSON_ARRAY = 10_000;

const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Frame {
  value: unknown;
  depth: number;
  parent?: Frame;
  key?: string | number;
}

/** Throws a 400 (or 413 for an array over the limit) naming the element; `root` names the body (e.g. `Patient`). */
export function checkJsonBody(body: unknown, root: string): void {
  const stack: Frame[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) throw unstorable(value, pathOf(frame, root));
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw badRequest(`${pathOf(frame, root)}: the number is too large to represent`, [pathOf(frame, root)]);
    } else if (value !== null && typeof value === 'object') {
      const depth = frame.depth + 1;
      if (depth > MAX_JSON_DEPTH) throw badRequest(`${pathOf(frame, root)}: nested deeper than ${MAX_JSON_DEPTH} levels, the limit for a request body`, [pathOf(frame, root)]);
      if (Array.isArray(value)) {
        // A batch/transaction's entries have their own, lower limit with its own message (fhir/bundle-entries.ts).
        const bundleEntries = root === 'Bundle' && frame.parent?.parent === undefined && frame.key === 'entry';
        if (value.length > MAX_JSON_ARRAY && !bundleEntries) {
          throw payloadTooLarge(`${pathOf(frame, root)} has ${value.length} items; at most ${MAX_JSON_ARRAY} are accepted in one array`);
        }
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, parent: frame, key: i });
      } else {
        for (const key of Object.keys(value)) {
          if (UNSTORABLE.test(key)) throw unstorable(key, `${pathOf(frame, root)} (a property name)`);
          stack.push({ value: (value as Record<string, unknown>)[key], depth, parent: frame, key });
        }
      }
    }
  }
}

/** Middleware after express.json(): refuses a parsed body that breaks the limits above. */
export function checkParsedJson(req: Request, _res: Response, next: NextFunction): void {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object') return next();
  try {
    checkJsonBody(req.body, bodyRootName(req.body));
    next();
  } catch (err) {
    next(err);
  }
}

/** The body's name for messages: its resourceType when it has a sane one. */
export function bodyRootName(body: unknown): string {
  const type = (body as { resourceType?: unknown } | null)?.resourceType;
  return typeof type === 'string' && /^[A-Za-z]{1,64}$/.test(type) ? type : '(body)';
}

function unstorable(text: string, where: string) {
  const what = text.includes('\0') ? 'a NUL character (\\u0000)' : 'an unpaired UTF-16 surrogate';
  return badRequest(`${where}: the text contains ${what}, which cannot be stored`, [where]);
}

/** `Patient.name[0].family`, built only when there is something to report. */
function pathOf(frame: Frame, root: string): string {
  const parts: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) {
    parts.push(typeof f.key === 'number' ? `[${f.key}]` : `.${safeKey(f.key!)}`);
  }
  const path = root + parts.reverse().join('');
  return path.length > 300 ? `${path.slice(0, 300)}…` : path;
}

function safeKey(key: string): string {
  return UNSTORABLE.test(key) ? key.replace(/[\0\uD800-\uDFFF]/g, '?') : key.length > 64 ? `${key.slice(0, 64)}…` : key;
}
