/**
 * Who asked for an export, stored with the job: enough to compile the same access policy again when the job runs
 * (possibly in another process, after a restart) and to let only the same client and user poll and download.
 */
import type { Pool } from 'pg';
import { AccessContext } from '../auth/access-context';
import { compileAccessPolicy, FULL_ACCESS_POLICY } from '../auth/access-policy';
import { part2AccessOf } from '../auth/part2-requester';
import { loadUserReach } from '../auth/user-reach';

export interface ExportRequester {
  /** The request ran with full access (AUTH=off, or the server itself): so does the export. */
  fullAccess: boolean;
  clientId?: string;
  userId?: string;
  username?: string;
  fhirUser?: string;
  /** The organisation a backend client acts for, and its token's purpose of use (42 CFR Part 2 consents). */
  organization?: string;
  purpose?: string;
  scopes: string[];
  patient?: string;
  admin: boolean;
  sourceIp?: string;
}

export function requesterOf(access: AccessContext): ExportRequester {
  return {
    fullAccess: access.policy === FULL_ACCESS_POLICY,
    ...access.principal,
    scopes: access.scopes,
    patient: access.patient,
    admin: access.policy.admin,
    sourceIp: access.sourceIp,
  };
}

/** The requester's access now: scopes as granted at kick-off, the user's reach (PractitionerRoles) as it is today. */
export async function accessOfRequester(pool: Pool, requester: ExportRequester, jobId: string): Promise<AccessContext> {
  const principal = {
    clientId: requester.clientId, userId: requester.userId, username: requester.username, fhirUser: requester.fhirUser,
    organization: requester.organization, purpose: requester.purpose,
  };
  if (requester.fullAccess) return { principal, scopes: requester.scopes, policy: FULL_ACCESS_POLICY, enforced: false };
  const userReach = requester.userId ? await loadUserReach(pool, requester.fhirUser, requester.admin, `export:${jobId}`) : undefined;
  const part2 = part2AccessOf({
    admin: requester.admin, backend: !requester.userId, fhirUser: requester.fhirUser, userReach,
    clientOrganization: requester.organization, purpose: requester.purpose,
  });
  const policy = compileAccessPolicy({
    scopes: requester.scopes, patient: requester.patient, backend: !requester.userId, userReach, admin: requester.admin, part2,
    owner: { clientId: requester.clientId, userId: requester.userId },
  });
  return { principal, scopes: requester.scopes, policy, patient: requester.patient, sourceIp: requester.sourceIp, enforced: true };
}

/** Only the client (and user) that started an export may see its status and files; with full access anyone may. */
export function isSameRequester(requester: ExportRequester, access: AccessContext): boolean {
  if (requester.fullAccess && access.policy === FULL_ACCESS_POLICY) return true;
  return requester.clientId === access.principal.clientId && requester.userId === access.principal.userId && access.policy.authenticated;
}
