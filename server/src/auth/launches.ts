/**
 * EHR launch contexts issued by our launcher: an opaque `launch` value bound to a patient, an encounter, extra
 * fhirContext, optionally a client and the launching user. Single use, short-lived.
 */
import type { Db } from './db';
import { cleanFhirContext, FhirContextItem } from './launch-context';
import { hashSecret, newSecret } from './secrets';

const LAUNCH_SECONDS = 10 * 60;

export interface LaunchBinding {
  clientId?: string;
  userId?: string;
  patient?: string;
  encounter?: string;
  fhirContext: FhirContextItem[];
}

export async function issueLaunch(db: Db, binding: LaunchBinding): Promise<string> {
  const launch = newSecret(24);
  await db.query(
    `INSERT INTO auth_launch (launch_hash, client_id, user_id, patient, encounter, fhir_context, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
    [hashSecret(launch), binding.clientId ?? null, binding.userId ?? null, binding.patient ?? null, binding.encounter ?? null,
      JSON.stringify(binding.fhirContext), LAUNCH_SECONDS],
  );
  return launch;
}

/** Consumes a launch for this client; undefined when unknown, expired, used, or bound to another client. */
export async function consumeLaunch(db: Db, launch: string, clientId: string): Promise<LaunchBinding | undefined> {
  const { rows } = await db.query<{ client_id: string | null; user_id: string | null; patient: string | null; encounter: string | null; fhir_context: unknown }>(
    `UPDATE auth_launch SET consumed_at = now()
      WHERE launch_hash = $1 AND consumed_at IS NULL AND expires_at > now() AND (client_id IS NULL OR client_id = $2)
      RETURNING client_id, user_id, patient, encounter, fhir_context`,
    [hashSecret(launch), clientId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    clientId: row.client_id ?? undefined, userId: row.user_id ?? undefined, patient: row.patient ?? undefined,
    encounter: row.encounter ?? undefined, fhirContext: cleanFhirContext(row.fhir_context),
  };
}
