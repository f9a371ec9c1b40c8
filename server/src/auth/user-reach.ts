/**
 * What a signed-in user may reach under user/ scopes, read from their FHIR resources: a patient their own
 * compartment; a related person the patients they are linked to; a practitioner the programs (HealthcareService)
 * of their active PractitionerRoles, or — for a role that names no program — its organisation with every
 * sub-organisation, and which of those programs are 42 CFR Part 2 programs.
 * Cached per access token (or export job, or authorization request) while the cache listener listens. Invalidation:
 * a write of a PractitionerRole, HealthcareService, Organization or RelatedPerson notifies iop_user_reach in its
 * transaction and every process drops every reach; a lost listener drops them too, and while none listens, nothing
 * is cached.
 */
import { PART2_PROGRAM_FLAG } from '../domain/part2-labelling';
import type { Repository, StoredVersion } from '../store/repository';
import { CHANNELS, listeningEpoch, notify, subscribeCache } from '../store/cache-invalidation';
import type { Db } from './db';
import type { UserReach } from './access-policy';

/** The resource types a reach is read from. */
export const REACH_TYPES = new Set(['PractitionerRole', 'HealthcareService', 'Organization', 'RelatedPerson']);
/** Not a freshness bound (notifications are): how long an unused entry may hold memory. */
const IDLE_MS = 10 * 60_000;
const cache = new Map<string, { reach: UserReach; at: number; epoch: number }>();
/** Counts invalidations, so a lookup that raced one is not cached. */
let generation = 0;

subscribeCache({
  name: 'user-reach',
  channels: [CHANNELS.userReach],
  onMessage: () => clearUserReachCache(),
  reload: () => clearUserReachCache(),
});

export async function loadUserReach(db: Db, fhirUser: string | undefined, isAdmin: boolean, cacheKey: string): Promise<UserReach> {
  if (isAdmin) return { kind: 'admin' };
  if (!fhirUser) return { kind: 'none', reason: 'the user is not linked to a FHIR resource' };
  const now = Date.now();
  const epoch = listeningEpoch();
  const cached = cache.get(cacheKey);
  if (cached && epoch !== undefined && cached.epoch === epoch) {
    cached.at = now;
    return cached.reach;
  }
  const before = generation;
  const reach = await lookUpReach(db, fhirUser);
  if (epoch === undefined || epoch !== listeningEpoch() || before !== generation) return reach;
  if (cache.size > 10_000) for (const [key, entry] of cache) if (now - entry.at >= IDLE_MS) cache.delete(key);
  cache.set(cacheKey, { reach, at: now, epoch });
  return reach;
}

/** Forget cached reaches (every process does on a change of the resources they are read from). */
export function clearUserReachCache(): void {
  generation++;
  cache.clear();
}

/** In a write's transaction: a change to a resource reaches are read from reaches every process. */
export async function notifyReachWrite(tx: Repository, written: StoredVersion): Promise<void> {
  if (REACH_TYPES.has(written.resourceType)) await notify(tx, CHANNELS.userReach, `${written.resourceType}/${written.id}`);
}

async function lookUpReach(db: Db, fhirUser: string): Promise<UserReach> {
  const [type, id] = fhirUser.split('/');
  switch (type) {
    case 'Patient':
      return { kind: 'patients', patientIds: [id] };
    case 'RelatedPerson':
      return relatedPersonReach(db, id);
    case 'Practitioner':
      return practitionerReach(db, id);
    default:
      return { kind: 'none', reason: `${type} users have no user/ access` };
  }
}

async function relatedPersonReach(db: Db, id: string): Promise<UserReach> {
  const { rows } = await db.query<{ patient: string | null }>(
    `SELECT content->'patient'->>'reference' AS patient FROM resource
      WHERE resource_type = 'RelatedPerson' AND id = $1 AND NOT deleted AND coalesce(content->>'active', 'true') <> 'false'`,
    [id],
  );
  const patientIds = rows.map((r) => /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(r.patient ?? '')?.[1]).filter((p): p is string => !!p);
  return patientIds.length ? { kind: 'patients', patientIds } : { kind: 'none', reason: 'the related person is not linked to a patient' };
}

interface RoleRow {
  role_id: string;
  organization: string | null;
  services: string[] | null;
}

async function practitionerReach(db: Db, practitionerId: string): Promise<UserReach> {
  const { rows } = await db.query<RoleRow>(
    `SELECT r.id AS role_id, r.content->'organization'->>'reference' AS organization,
            ARRAY(SELECT s->>'reference' FROM jsonb_array_elements(coalesce(r.content->'healthcareService', '[]')) s) AS services
       FROM resource r JOIN idx_reference x ON x.res_id = r.res_id
      WHERE r.resource_type = 'PractitionerRole' AND NOT r.deleted AND coalesce(r.content->>'active', 'true') <> 'false'
        AND x.param = 'practitioner' AND x.target_type = 'Practitioner' AND x.target_id = $1`,
    [practitionerId],
  );
  const idOf = (ref: string | null, type: string) => (ref?.startsWith(`${type}/`) ? ref.slice(type.length + 1) : undefined);
  const serviceIds = new Set<string>();
  const organizations = new Set<string>();
  // A role that names programs is limited to them; a role that names only an organisation covers all of it.
  for (const role of rows) {
    const services = (role.services ?? []).map((ref) => idOf(ref, 'HealthcareService')).filter((id): id is string => !!id);
    for (const service of services) serviceIds.add(service);
    const organization = idOf(role.organization, 'Organization');
    if (services.length === 0 && organization) organizations.add(organization);
  }
  const organizationIds = await withSubOrganizations(db, [...organizations]);
  const roleOrganizationIds = [...new Set(rows.map((r) => idOf(r.organization, 'Organization')).filter((id): id is string => !!id))];
  return {
    kind: 'practitioner', practitionerId, roleIds: rows.map((r) => r.role_id), organizationIds, serviceIds: [...serviceIds],
    part2ProgramIds: await part2ProgramsAmong(db, [...serviceIds]), roleOrganizationIds,
  };
}

/** The programs (HealthcareService) flagged as 42 CFR Part 2 programs among these. */
async function part2ProgramsAmong(db: Db, serviceIds: string[]): Promise<string[]> {
  if (serviceIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM resource WHERE resource_type = 'HealthcareService' AND id = ANY($1::text[]) AND NOT deleted
        AND content->'extension' @> $2::jsonb`,
    [serviceIds, JSON.stringify([{ url: PART2_PROGRAM_FLAG, valueBoolean: true }])],
  );
  return rows.map((r) => r.id);
}

/** The organisations and every organisation below them (Organization.partOf), so a site role covers its divisions. */
async function withSubOrganizations(db: Db, organizationIds: string[]): Promise<string[]> {
  if (organizationIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `WITH RECURSIVE tree(id) AS (
       SELECT unnest($1::text[])
       UNION
       SELECT o.id FROM tree JOIN idx_reference x ON x.param = 'partof' AND x.target_type = 'Organization' AND x.target_id = tree.id
         JOIN resource o ON o.res_id = x.res_id AND o.resource_type = 'Organization' AND NOT o.deleted
     ) SELECT id FROM tree`,
    [organizationIds],
  );
  return rows.map((r) => r.id);
}
