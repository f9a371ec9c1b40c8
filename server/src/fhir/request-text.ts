/**
 * Text from a request URL that reaches the route table and the database: a path is percent-decoded exactly once
 * (never twice, so `%2541` stays `%41`), and no decoded path segment, parameter name or value may hold NUL, which
 * PostgreSQL cannot store or compare. Every failure is a 400 that names what was wrong.
 */
import { badRequest } from '../errors';

/** `Patient/a%20b/_history/1` → `Patient/a b/_history/1`, leading and trailing slashes dropped. */
export function decodeFhirPath(raw: string): string {
  return raw.replace(/^\/+|\/+$/g, '').split('/').map(decodePathSegment).join('/');
}

export function decodePathSegment(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw badRequest(`Malformed percent-encoding in the URL path segment ${quote(segment)}`);
  }
  if (decoded.includes('\0')) throw badRequest(`The URL path segment ${quote(segment)} contains a NUL character (%00)`);
  if (decoded.includes('/')) throw badRequest(`An encoded "/" (%2F) inside the URL path segment ${quote(segment)} is not supported`);
  return decoded;
}

/** Refuses NUL in any parameter name or value (query string, form body, Bundle entry URL, If-None-Exist). */
/**
 * Name/value pairs (a URL's query, a form body) grouped by name, in an object without a prototype: a parameter named
 * `toString`, `constructor` or `__proto__` is then a parameter like any other (and refused as unknown where it is),
 * never an inherited property the grouping would try to push onto.
 */
export function groupParameters(pairs: Iterable<[string, string]>): Record<string, string[]> {
  const grouped = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of pairs) (grouped[name] ??= []).push(value);
  return grouped;
}

export function checkParameterText(query: Record<string, string[]>): void {
  for (const [name, values] of Object.entries(query)) {
    if (name.includes('\0')) throw badRequest(`A parameter name contains a NUL character (%00): ${quote(name)}`, [name.replace(/\0/g, '')]);
    if (values.some((value) => value.includes('\0'))) throw badRequest(`Parameter ${name} contains a NUL character (%00)`, [name]);
  }
}

/** For messages: at most 100 characters, NUL shown as \u0000 by JSON. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
