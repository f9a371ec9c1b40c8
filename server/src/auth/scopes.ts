/**
 * SMART scopes, v1 (`patient/Observation.read`) and v2 (`patient/Observation.rs`, granular
 * `patient/Observation.rs?category=…`), parsed into plain data. Other scopes (openid, fhirUser, launch, …) are
 * kept by name. A scope we do not understand is never granted.
 */
import { groupParameters } from '../fhir/request-text';

export type ScopeLevel = 'patient' | 'user' | 'system';
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

export interface ResourceScope {
  text: string;
  level: ScopeLevel;
  /** A resource type, or '*'. */
  resourceType: string;
  permissions: Permission[];
  /** Granular v2 scopes: the search parameters every permitted resource must match. */
  query?: Record<string, string[]>;
}

const RESOURCE_SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.(read|write|\*|c?r?u?d?s?)(?:\?(.+))?$/;
const V1_PERMISSIONS: Record<string, Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };
export const CONTEXT_SCOPES = new Set([
  'openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access',
]);

export function splitScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

export function parseResourceScope(text: string): ResourceScope | undefined {
  const m = RESOURCE_SCOPE.exec(text);
  if (!m || m[3] === '') return undefined;
  const [, level, resourceType, perms, queryText] = m;
  const permissions = V1_PERMISSIONS[perms] ?? (perms.split('') as Permission[]);
  if (queryText !== undefined && V1_PERMISSIONS[perms]) return undefined; // granular queries are v2 only
  const scope: ResourceScope = { text, level: level as ScopeLevel, resourceType, permissions };
  if (queryText !== undefined) {
    const query = groupParameters(new URLSearchParams(queryText));
    if (Object.keys(query).length === 0) return undefined;
    scope.query = query;
  }
  return scope;
}

export function parseResourceScopes(scopes: string[]): ResourceScope[] {
  return scopes.map(parseResourceScope).filter((s): s is ResourceScope => s !== undefined);
}

/** True when `allowed` grants everything `requested` asks for (same level, type, permissions, and query). */
export function scopeCovers(allowed: ResourceScope, requested: ResourceScope): boolean {
  if (allowed.level !== requested.level) return false;
  if (allowed.resourceType !== '*' && allowed.resourceType !== requested.resourceType) return false;
  if (!requested.permissions.every((p) => allowed.permissions.includes(p))) return false;
  if (!allowed.query) return true;
  return requested.query !== undefined && sameQuery(allowed.query, requested.query);
}

function sameQuery(a: Record<string, string[]>, b: Record<string, string[]>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] !== undefined && [...a[k]].sort().join('\u0000') === [...b[k]].sort().join('\u0000'));
}

/**
 * The scopes of `requested` that `allowed` permits, in the order requested. Context scopes pass when the client
 * may use them (listed in `allowed`); resource scopes when some allowed scope covers them.
 */
export function permittedScopes(requested: string[], allowed: string[]): string[] {
  const allowedResource = parseResourceScopes(allowed);
  const allowedContext = new Set(allowed.filter((s) => CONTEXT_SCOPES.has(s)));
  return requested.filter((text) => {
    if (CONTEXT_SCOPES.has(text)) return allowedContext.has(text);
    const scope = parseResourceScope(text);
    return scope !== undefined && allowedResource.some((a) => scopeCovers(a, scope));
  });
}

/** For refresh with `scope`: every requested scope must be covered by the granted ones (a subset, never more). */
export function isScopeSubset(requested: string[], granted: string[]): boolean {
  return permittedScopes(requested, granted).length === requested.length;
}
