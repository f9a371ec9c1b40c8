/**
 * Demo sign-ins (DEMO mode only; README "Demo logins"): users linked to demo staff and patients, so every SMART
 * flow can be tried at once. A clinician reaches only their programs' patients (their PractitionerRoles).
 * Idempotent: a username that already exists is left alone, so changed passwords survive a restart.
 */
import type { Identifier, RelatedPerson } from '@medplum/fhirtypes';
import type { Pool } from 'pg';
import { registerScriptClient } from '../admin/script-token';
import { createUser } from '../auth/users';
import type { FhirContext } from '../fhir/types';
import { sql } from '../store/sql';
import { DEMO_SYSTEM } from './demo-bundle';
import { postResource } from './demo-operations';

export interface DemoLogin {
  username: string;
  password: string;
  /** Demo key of the linked resource (demo-bundle.ts), or 'admin'. */
  who: { type: 'Practitioner' | 'Patient' | 'RelatedPerson'; key: string } | 'admin';
}

export const DEMO_LOGINS: DemoLogin[] = [
  { username: 'maya', password: 'maya-demo-1', who: { type: 'Practitioner', key: 'therapist-1' } }, // Adult MH IOP – morning
  { username: 'hannah', password: 'hannah-demo-1', who: { type: 'Practitioner', key: 'therapist-3' } }, // SUD IOP (42 CFR Part 2)
  { username: 'arjun', password: 'arjun-demo-1', who: { type: 'Practitioner', key: 'psychiatrist-1' } }, // all four programs
  { username: 'leo', password: 'leo-demo-1', who: { type: 'Practitioner', key: 'manager-1' } }, // program manager, all programs
  { username: 'adelina', password: 'adelina-demo-1', who: { type: 'Patient', key: 'patient-01' } }, // patient portal
  { username: 'ramon', password: 'ramon-demo-1', who: { type: 'RelatedPerson', key: 'patient-01-family' } }, // Adelina's husband
  { username: 'ariel', password: 'ariel-demo-1', who: { type: 'Patient', key: 'patient-03' } }, // SUD IOP patient (Part 2 consent to the health plan)
  { username: 'admin', password: 'admin-demo-1', who: 'admin' },
];

/** For trying the API with curl: `npm run -s admin -- token --client demo-backend` prints a read-only system token. */
export const DEMO_BACKEND_CLIENT = 'demo-backend';
/** The demo health plan's backend client: acts for Prairie Health Plan, for payment and operations (42 CFR Part 2 consents). */
export const DEMO_PAYER_CLIENT = 'demo-payer';
/**
 * What a health plan needs for payment and operations, and no more: its members, their coverage, the claims and the
 * encounters, enrolments and diagnoses behind them, attribution Groups and who provided the care. Not the clinical
 * record (notes, scores, plans, messages, medications).
 */
export const DEMO_PAYER_SCOPES = ['Patient', 'Coverage', 'Claim', 'ClaimResponse', 'ExplanationOfBenefit', 'Encounter', 'EpisodeOfCare', 'Condition',
  'Procedure', 'Group', 'Organization', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService', 'Provenance']
  .map((type) => `system/${type}.rs`).join(' ');

/**
 * Creates the demo users that do not exist yet (and Adelina's husband as a RelatedPerson) and the demo backend
 * client; returns the usernames created.
 */
export async function createDemoLogins(ctx: FhirContext, db: Pool): Promise<string[]> {
  await registerScriptClient(db, DEMO_BACKEND_CLIENT, 'system/*.rs', false);
  const payer = await findDemoResource(ctx, 'Organization', 'payer');
  if (payer) await registerScriptClient(db, DEMO_PAYER_CLIENT, DEMO_PAYER_SCOPES, false, { organization: `Organization/${payer}`, purposes: ['HPAYMT', 'HOPERAT'] });
  const existing = new Set((await db.query<{ username: string }>('SELECT username FROM auth_user')).rows.map((r) => r.username));
  const created: string[] = [];
  for (const login of DEMO_LOGINS.filter((l) => !existing.has(l.username))) {
    const fhirUser = login.who === 'admin' ? undefined : `${login.who.type}/${await demoResourceId(ctx, login.who.type, login.who.key)}`;
    await createUser(db, { username: login.username, password: login.password, fhirUser, isAdmin: login.who === 'admin' });
    created.push(login.username);
  }
  return created;
}

/** The id of a demo resource by its demo identifier; Adelina's husband is created on first use. */
async function demoResourceId(ctx: FhirContext, type: string, key: string): Promise<string> {
  const found = await findDemoResource(ctx, type, key);
  if (found) return found;
  if (type === 'RelatedPerson' && key === 'patient-01-family') return createHusband(ctx, key);
  throw new Error(`demo ${type} ${key} not found: was the demo seeded?`);
}

async function findDemoResource(ctx: FhirContext, type: string, key: string): Promise<string | undefined> {
  const rows = await ctx.repo.query<{ id: string }>(sql`SELECT r.id FROM idx_token t JOIN resource r ON r.res_id = t.res_id
    WHERE t.resource_type = ${type} AND t.param = 'identifier' AND t.system = ${DEMO_SYSTEM} AND t.code = ${key} AND NOT r.deleted LIMIT 1`);
  return rows[0]?.id;
}

async function createHusband(ctx: FhirContext, key: string): Promise<string> {
  const patientId = await demoResourceId(ctx, 'Patient', 'patient-01');
  const identifier: Identifier[] = [{ system: DEMO_SYSTEM, value: key }];
  const husband = await postResource<RelatedPerson>(ctx, 'RelatedPerson', {
    resourceType: 'RelatedPerson', active: true, identifier, patient: { reference: `Patient/${patientId}` },
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'HUSB', display: 'husband' }] }],
    name: [{ given: ['Ramon'], family: 'Walker' }],
  } as RelatedPerson);
  return husband.id!;
}
