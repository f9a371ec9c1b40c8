/**
 * The access policy of one request, compiled from the token's scopes, its launch context and the user's reach,
 * as plain data. store/access-filter.ts turns it into SQL; fhir-access-guard.ts checks interactions with it.
 * Whatever cannot be compiled becomes a grant that matches nothing (fail closed), with the reason kept for the 403.
 */
import { badRequest, FhirError } from '../errors';
import { parseSearchQuery } from '../search/parse-search';
import { buildWhere } from '../search/search-sql';
import type { Sql } from '../store/sql';
import { parseResourceScopes, Permission, ResourceScope } from './scopes';

/** Which rows a grant reaches. */
export type RowScope =
  | { kind: 'all' }
  | { kind: 'patients'; patientIds: string[] }
  | { kind: 'practitioner'; practitionerId: string; roleIds: string[]; organizationIds: string[]; serviceIds: string[] }
  | { kind: 'none'; reason: string };

export interface AccessGrant {
  /** The scope text it came from, for messages. */
  scope: string;
  /** A resource type, or '*'. */
  resourceType: string;
  permissions: Permission[];
  rows: RowScope;
  /** Granular scope: the search the rows must also match, and its SQL over alias `r` (from the search engine). */
  query?: Record<string, string[]>;
  queryCondition?: Sql;
}

/**
 * Who may see 42 CFR Part 2 information (docs/part2.md), whatever the grants: 'unrestricted' for administrators and
 * the server itself; otherwise the requester's own record (a patient), the patients of the Part 2 programs they are
 * staff of, the patients they broke the glass for, and the patients whose active Consent permits one of
 * `recipients` for one of `purposes`. The store turns it into SQL (store/part2-filter.ts).
 */
export type Part2Access =
  | { kind: 'unrestricted' }
  | {
    kind: 'restricted';
    ownPatients: string[];
    programIds: string[];
    /** References a consent may name as recipient: the user, their roles and organisations, or the client's organisation. */
    recipients: string[];
    purposes: string[];
    /** The user (e.g. Practitioner/1) whose emergency accesses (break-glass) count. */
    emergencyUser?: string;
  };

/** Sees no Part 2 information of anyone: the default when nothing is known about the requester (fail closed). */
export const NO_PART2_ACCESS: Extract<Part2Access, { kind: 'restricted' }> = { kind: 'restricted', ownPatients: [], programIds: [], recipients: [], purposes: [] };

export interface AccessPolicy {
  /** A token was presented (or auth is off). Without one only the CapabilityStatement and discovery are open. */
  authenticated: boolean;
  /** May use the admin API and search AuditEvents. */
  admin: boolean;
  grants: AccessGrant[];
  part2: Part2Access;
  /** The requester, for rows of OWNED_TYPES; without one a non-administrator sees none of them. */
  owner?: ResourceOwner;
}

/** What the user may reach under user/ scopes, looked up from their FHIR resource (see user-reach.ts). */
export type UserReach =
  | { kind: 'admin' }
  | { kind: 'patients'; patientIds: string[] }
  | {
    kind: 'practitioner'; practitionerId: string; roleIds: string[]; organizationIds: string[]; serviceIds: string[];
    /** The 42 CFR Part 2 programs among the practitioner's roles: they are on those programs' staff. */
    part2ProgramIds?: string[];
    /** Every organisation a role of theirs names (a consent may name one as recipient). */
    roleOrganizationIds?: string[];
  }
  | { kind: 'none'; reason: string };

export interface PolicyInput {
  scopes: string[];
  /** The patient in context (launch/patient or EHR launch). */
  patient?: string;
  /** Backend service token (client_credentials): system/ scopes apply. */
  backend: boolean;
  userReach?: UserReach;
  admin: boolean;
  /** Omitted: administrators see everything, anyone else no Part 2 information. */
  part2?: Part2Access;
  /** Who asks: the client and user, for resources only their owner may see (Subscriptions). */
  owner?: ResourceOwner;
}

export interface ResourceOwner {
  clientId?: string;
  userId?: string;
}

/**
 * Types whose rows only their owner (and administrators) may see, whatever the scopes: a Subscription's channel
 * headers hold the receiver's secrets. The owner is recorded by the type's write hook (subscription_state).
 */
export const OWNED_TYPES = ['Subscription'];

export const ALL_PERMISSIONS: Permission[] = ['c', 'r', 'u', 'd', 's'];

export const ANONYMOUS_POLICY: AccessPolicy = { authenticated: false, admin: false, grants: [], part2: NO_PART2_ACCESS };

/** AUTH=off, and trusted internal work: everything. */
export const FULL_ACCESS_POLICY: AccessPolicy = {
  authenticated: true,
  admin: true,
  grants: [{ scope: '*', resourceType: '*', permissions: ALL_PERMISSIONS, rows: { kind: 'all' } }],
  part2: { kind: 'unrestricted' },
};

export function compileAccessPolicy(input: PolicyInput): AccessPolicy {
  const grants = parseResourceScopes(input.scopes).map((scope) => compileGrant(scope, input));
  const part2: Part2Access = input.admin ? { kind: 'unrestricted' } : input.part2 ?? NO_PART2_ACCESS;
  return { authenticated: true, admin: input.admin, grants, part2, ...(input.owner ? { owner: input.owner } : {}) };
}

function compileGrant(scope: ResourceScope, input: PolicyInput): AccessGrant {
  const grant: AccessGrant = { scope: scope.text, resourceType: scope.resourceType, permissions: scope.permissions, rows: rowsFor(scope, input) };
  if (!scope.query) return grant;
  grant.query = scope.query;
  try {
    grant.queryCondition = compileGranularQuery(scope);
  } catch (err) {
    const reason = err instanceof FhirError ? err.message : 'the granular scope could not be compiled';
    grant.rows = { kind: 'none', reason: `scope ${scope.text} cannot be applied: ${reason}` };
  }
  return grant;
}

function rowsFor(scope: ResourceScope, input: PolicyInput): RowScope {
  switch (scope.level) {
    case 'system':
      return input.backend ? { kind: 'all' } : { kind: 'none', reason: 'system/ scopes are only for backend services' };
    case 'patient':
      return input.patient ? { kind: 'patients', patientIds: [input.patient] } : { kind: 'none', reason: 'patient/ scopes need a patient in context' };
    case 'user':
      return rowsForUser(input.userReach);
  }
}

function rowsForUser(reach: UserReach | undefined): RowScope {
  if (!reach) return { kind: 'none', reason: 'user/ scopes need a signed-in user' };
  return reach.kind === 'admin' ? { kind: 'all' } : reach;
}

/** A granular scope's query compiles exactly like a search on those parameters; anything else is refused. */
function compileGranularQuery(scope: ResourceScope): Sql {
  if (scope.resourceType === '*') throw badRequest('a granular scope must name a resource type');
  const request = parseSearchQuery(scope.resourceType, scope.query!);
  if (request.unknown.length > 0) throw badRequest(`unsupported parameter(s) ${request.unknown.join(', ')}`);
  const resultParams = Object.keys(scope.query!).filter((k) => k.startsWith('_') && k !== '_id' && k !== '_lastUpdated');
  if (resultParams.length > 0 || request.filters.length === 0) throw badRequest('only search filters may appear in a granular scope');
  return buildWhere(request);
}

/** Grants that allow `permission` on `resourceType`. */
export function grantsFor(policy: AccessPolicy, resourceType: string, permission: Permission): AccessGrant[] {
  return policy.grants.filter((g) => g.permissions.includes(permission) && (g.resourceType === '*' || g.resourceType === resourceType));
}

/**
 * True when the policy needs no row filter for `permission` on the type (or on every type, when none is given):
 * some grant reaches every row, and no Part 2 information is withheld. Rows of OWNED_TYPES always need the filter
 * (except for administrators); a caller asking for every type checks mayTouchOwnedTypes as well.
 */
export function allowsEveryRow(policy: AccessPolicy, permission: Permission, resourceType?: string): boolean {
  if (!policy.admin && resourceType !== undefined && OWNED_TYPES.includes(resourceType)) return false;
  return policy.part2.kind === 'unrestricted' && scopesReachEveryRow(policy, permission, resourceType);
}

/** A request on `resourceType` (undefined: any type, e.g. a system-level search) may meet rows of OWNED_TYPES. */
export function mayTouchOwnedTypes(policy: AccessPolicy, resourceType: string | undefined): boolean {
  return !policy.admin && (resourceType === undefined || OWNED_TYPES.includes(resourceType));
}

/** True when some grant's scope reaches every row of the type (rows may still be withheld as Part 2 information). */
export function scopesReachEveryRow(policy: AccessPolicy, permission: Permission, resourceType?: string): boolean {
  return policy.grants.some((g) => g.permissions.includes(permission) && g.rows.kind === 'all' && !g.query
    && (g.resourceType === '*' || g.resourceType === resourceType));
}
