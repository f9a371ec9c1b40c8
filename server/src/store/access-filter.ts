/**
 * The access policy as SQL: a condition on one row of `resource` (by its alias) that is true only for rows the
 * token may see. Read, vread, history and writes are checked with it (auth/fhir-access-guard.ts); the search
 * engine ANDs it into every statement that returns rows (matches, _include, _revinclude) or tests them (chains,
 * _has). A grant that cannot be applied contributes FALSE, never TRUE: the filter fails closed. Whatever the grants,
 * 42 CFR Part 2 information is withheld unless the requester may see it (part2-filter.ts).
 */
import { AccessGrant, AccessPolicy, OWNED_TYPES, RowScope } from '../auth/access-policy';
import {
  compartmentLinks, compartmentParams, compartmentTypes, patientAccessLinks, patientAccessParams, SHARED_TYPES, UNLINKED_SENSITIVE_TYPES,
} from '../auth/patient-compartment';
import type { Permission } from '../auth/scopes';
import { part2Condition } from './part2-filter';
import { join, raw, Sql, sql } from './sql';

/** A condition, or a constant we can fold before it reaches SQL. */
type Condition = Sql | boolean;

/**
 * Where a row's links come from: `current` rows of `resource` have index rows (idx_reference); `version` rows of
 * `resource_history` carry their own (links, see access-links.ts). Both read as (resource_type, param, target_type,
 * target_id) under the link alias.
 */
type LinkSource = 'current' | 'version';

const ALIAS_RE = /^[a-z_][a-z0-9_]{0,30}$/;

/**
 * `alias`: the alias of a `resource` row in the caller's statement (e.g. 'r'). `permission`: 's' for search
 * matches, 'r' for reads and included resources, 'c'/'u'/'d' for writes. `resourceType`: the row's type when the
 * statement fixes it (smaller SQL); omit it when the statement may return several types (e.g. _include).
 */
export function accessFilter(policy: AccessPolicy, alias: string, permission: Permission, resourceType?: string): Sql {
  return filterFor(policy, alias, permission, resourceType, 'current');
}

/**
 * The same policy judged on one stored version (alias of a `resource_history` row), by the links that version had
 * when it was written: a resource that moved from patient B to patient A does not show A its B versions. Granular
 * scope queries are judged on the current version (the search index describes only that one).
 */
export function versionAccessFilter(policy: AccessPolicy, alias: string, permission: Permission, resourceType?: string): Sql {
  return filterFor(policy, alias, permission, resourceType, 'version');
}

function filterFor(policy: AccessPolicy, alias: string, permission: Permission, resourceType: string | undefined, source: LinkSource): Sql {
  if (!ALIAS_RE.test(alias)) throw new Error(`invalid SQL alias for the access filter: ${alias}`);
  const grants = policy.grants.filter((g) => g.permissions.includes(permission)
    && (resourceType === undefined || g.resourceType === '*' || g.resourceType === resourceType));
  return toSql(and([or(grants.map((g) => grantCondition(g, alias, resourceType, source))), part2Condition(policy.part2, alias),
    ownedRows(policy, alias, resourceType)]));
}

/** Rows of OWNED_TYPES (Subscriptions) only for the client and user that own them; administrators see all. */
function ownedRows(policy: AccessPolicy, alias: string, resourceType: string | undefined): Condition {
  if (policy.admin || (resourceType !== undefined && !OWNED_TYPES.includes(resourceType))) return true;
  const a = raw(alias);
  const owner = policy.owner;
  const owns: Condition = owner?.clientId
    ? sql`EXISTS (SELECT 1 FROM subscription_state own WHERE own.subscription_id = ${a}.id AND own.owner_client_id = ${owner.clientId}
        AND own.owner_user_id IS NOT DISTINCT FROM ${owner.userId ?? null}::text)`
    : false;
  if (resourceType !== undefined) return owns;
  return or([sql`${a}.resource_type <> ALL(${OWNED_TYPES}::text[])`, owns]);
}

function grantCondition(grant: AccessGrant, alias: string, resourceType: string | undefined, source: LinkSource): Condition {
  const a = raw(alias);
  const type = resourceType ?? (grant.resourceType === '*' ? undefined : grant.resourceType);
  const typeMatch: Condition = grant.resourceType === '*' || grant.resourceType === resourceType ? true : sql`${a}.resource_type = ${grant.resourceType}`;
  return and([typeMatch, rowCondition(grant.rows, alias, type, source), granularCondition(grant, alias)]);
}

/** `FROM … WHERE <joined to the row>` over the row's links, aliased `${alias}_acl`. */
function linksOf(alias: string, source: LinkSource): Sql {
  const a = raw(alias);
  const ac = raw(`${alias}_acl`);
  if (source === 'current') return sql`idx_reference ${ac} WHERE ${ac}.res_id = ${a}.res_id`;
  return sql`(SELECT ${a}.resource_type AS resource_type, l.param, l.target_type, l.target_id
      FROM jsonb_to_recordset(coalesce(${a}.links, '[]'::jsonb)) AS l(param text, target_type text, target_id text)) ${ac} WHERE TRUE`;
}

function granularCondition(grant: AccessGrant, alias: string): Condition {
  if (!grant.query) return true;
  if (!grant.queryCondition) return false;
  // The search engine writes conditions over alias `r`; under another alias, look the row up as `r`.
  if (alias === 'r') return sql`(${grant.queryCondition})`;
  return sql`EXISTS (SELECT 1 FROM resource r WHERE r.res_id = ${raw(alias)}.res_id AND ${grant.queryCondition})`;
}

function rowCondition(rows: RowScope, alias: string, type: string | undefined, source: LinkSource): Condition {
  switch (rows.kind) {
    case 'all': return true;
    case 'none': return false;
    case 'patients': return patientRows(alias, rows.patientIds, type, source);
    case 'practitioner': return practitionerRows(alias, rows, type, source);
  }
}

/** In the compartment of one of these patients, or a shared (non-patient) type. */
function patientRows(alias: string, patientIds: string[], type: string | undefined, source: LinkSource): Condition {
  const a = raw(alias);
  const ac = raw(`${alias}_acl`);
  const ids = sql`${patientIds}::text[]`;
  if (type === 'Patient') return sql`${a}.id = ANY(${ids})`;
  if (type !== undefined && SHARED_TYPES.includes(type)) return true;
  if (type !== undefined) {
    const params = patientAccessParams(type);
    if (params.length === 0) return false;
    return sql`EXISTS (SELECT 1 FROM ${linksOf(alias, source)} AND ${ac}.param = ANY(${params}::text[])
      AND ${ac}.target_type = 'Patient' AND ${ac}.target_id = ANY(${ids}))`;
  }
  return sql`((${a}.resource_type = 'Patient' AND ${a}.id = ANY(${ids})) OR ${a}.resource_type = ANY(${SHARED_TYPES}::text[])
    OR EXISTS (SELECT 1 FROM ${linksOf(alias, source)} AND ${ac}.target_type = 'Patient'
      AND ${ac}.target_id = ANY(${ids}) AND (${ac}.resource_type || ' ' || ${ac}.param) = ANY(${patientAccessLinks()}::text[])))`;
}

type PractitionerRows = Extract<RowScope, { kind: 'practitioner' }>;

/**
 * A practitioner reaches the patients with an EpisodeOfCare in one of their programs (the `program` extension) or
 * at one of their organisations (managingOrganization), the patients an organisation of theirs manages, and those
 * whose care they manage; resources linked to those patients or naming the practitioner, their roles,
 * organisations or programs; and every type that holds no patient data. A patient they broke the glass for (42 CFR
 * 2.51, operations/break-glass.ts) is within reach until the emergency access expires.
 */
function practitionerRows(alias: string, rows: PractitionerRows, type: string | undefined, source: LinkSource): Condition {
  const a = raw(alias);
  const ac = raw(`${alias}_acl`);
  const patients = allowedPatients(alias, rows);
  if (type === 'Patient') return sql`${a}.id IN (${patients})`;
  if (type !== undefined && UNLINKED_SENSITIVE_TYPES.includes(type)) return false;
  const linked = (params: Sql) => sql`EXISTS (SELECT 1 FROM ${linksOf(alias, source)} AND (
      (${params} AND ${ac}.target_type = 'Patient' AND ${ac}.target_id IN (${patients}))
      OR (${ac}.target_type = 'Practitioner' AND ${ac}.target_id = ${rows.practitionerId})
      OR (${ac}.target_type = 'PractitionerRole' AND ${ac}.target_id = ANY(${rows.roleIds}::text[]))
      OR (${ac}.target_type = 'Organization' AND ${ac}.target_id = ANY(${rows.organizationIds}::text[]))
      OR (${ac}.target_type = 'HealthcareService' AND ${ac}.target_id = ANY(${rows.serviceIds}::text[]))))`;
  if (type !== undefined) {
    const params = compartmentParams(type);
    return params.length === 0 ? true : linked(sql`${ac}.param = ANY(${params}::text[])`);
  }
  const closedTypes = [...compartmentTypes(), ...UNLINKED_SENSITIVE_TYPES, 'Patient'];
  return sql`((${a}.resource_type = 'Patient' AND ${a}.id IN (${patients}))
    OR ${a}.resource_type <> ALL(${closedTypes}::text[])
    OR (${a}.resource_type = ANY(${compartmentTypes()}::text[])
        AND ${linked(sql`(${ac}.resource_type || ' ' || ${ac}.param) = ANY(${compartmentLinks()}::text[])`)}))`;
}

function allowedPatients(alias: string, rows: PractitionerRows): Sql {
  const ep = raw(`${alias}_acp`);
  const eo = raw(`${alias}_aco`);
  const orgs = sql`${rows.organizationIds}::text[]`;
  return sql`SELECT ${ep}.target_id FROM idx_reference ${ep} JOIN idx_reference ${eo} ON ${eo}.res_id = ${ep}.res_id
      WHERE ${ep}.resource_type = 'EpisodeOfCare' AND ${ep}.param = 'patient' AND ${ep}.target_type = 'Patient'
        AND ((${eo}.param = 'organization' AND ${eo}.target_type = 'Organization' AND ${eo}.target_id = ANY(${orgs}))
          OR (${eo}.param = 'program' AND ${eo}.target_type = 'HealthcareService' AND ${eo}.target_id = ANY(${rows.serviceIds}::text[]))
          OR (${eo}.param = 'care-manager' AND ${eo}.target_type = 'Practitioner' AND ${eo}.target_id = ${rows.practitionerId}))
    UNION
    SELECT ${raw(`${alias}_acr`)}.id FROM idx_reference ${eo} JOIN resource ${raw(`${alias}_acr`)} ON ${raw(`${alias}_acr`)}.res_id = ${eo}.res_id
      WHERE ${eo}.resource_type = 'Patient' AND (
        (${eo}.param = 'organization' AND ${eo}.target_type = 'Organization' AND ${eo}.target_id = ANY(${orgs}))
        OR (${eo}.param = 'general-practitioner' AND ${eo}.target_type = 'Practitioner' AND ${eo}.target_id = ${rows.practitionerId})
        OR (${eo}.param = 'general-practitioner' AND ${eo}.target_type = 'PractitionerRole' AND ${eo}.target_id = ANY(${rows.roleIds}::text[])))
    UNION
    SELECT ${raw(`${alias}_acb`)}.patient_id FROM part2_break_glass ${raw(`${alias}_acb`)}
      WHERE ${raw(`${alias}_acb`)}.fhir_user = ${`Practitioner/${rows.practitionerId}`} AND ${raw(`${alias}_acb`)}.expires_at > now()`;
}

function and(conditions: Condition[]): Condition {
  if (conditions.some((c) => c === false)) return false;
  const rest = conditions.filter((c): c is Sql => c !== true);
  if (rest.length === 0) return true;
  return rest.length === 1 ? rest[0] : sql`(${join(rest, ' AND ')})`;
}

function or(conditions: Condition[]): Condition {
  if (conditions.some((c) => c === true)) return true;
  const rest = conditions.filter((c): c is Sql => c !== false);
  if (rest.length === 0) return false;
  return rest.length === 1 ? rest[0] : sql`(${join(rest, ' OR ')})`;
}

function toSql(condition: Condition): Sql {
  if (condition === true) return sql`TRUE`;
  if (condition === false) return sql`FALSE`;
  return condition;
}
