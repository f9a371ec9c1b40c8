/** The pending authorization requests (auth_request rows) that carry a browser from authorize to the code. */
import type { Db } from './db';
import { cleanFhirContext, FhirContextItem } from './launch-context';
import { hashSecret } from './secrets';
import { splitScopes } from './scopes';

export const REQUEST_SECONDS = 10 * 60;

export interface AuthorizationRequest {
  requestId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  launchUserId?: string;
  userId?: string;
  patient?: string;
  encounter?: string;
  fhirContext: FhirContextItem[];
  ehrLaunch: boolean;
}

interface RequestRow {
  request_id: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  code_challenge: string;
  launch_user_id: string | null;
  user_id: string | null;
  patient: string | null;
  encounter: string | null;
  fhir_context: unknown;
  ehr_launch: boolean;
}

const COLUMNS = 'request_id, client_id, redirect_uri, scope, state, nonce, code_challenge, launch_user_id, user_id, patient, encounter, fhir_context, ehr_launch';

function toRequest(row: RequestRow): AuthorizationRequest {
  return {
    requestId: row.request_id, clientId: row.client_id, redirectUri: row.redirect_uri, scopes: splitScopes(row.scope),
    state: row.state ?? undefined, nonce: row.nonce ?? undefined, codeChallenge: row.code_challenge,
    launchUserId: row.launch_user_id ?? undefined, userId: row.user_id ?? undefined, patient: row.patient ?? undefined,
    encounter: row.encounter ?? undefined, fhirContext: cleanFhirContext(row.fhir_context), ehrLaunch: row.ehr_launch,
  };
}

export async function saveAuthorizationRequest(db: Db, request: AuthorizationRequest, browserSecret: string): Promise<void> {
  await db.query(
    `INSERT INTO auth_request (request_id, browser_hash, client_id, redirect_uri, scope, state, nonce, code_challenge, launch_user_id,
       user_id, patient, encounter, fhir_context, ehr_launch, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now() + make_interval(secs => $15))`,
    [request.requestId, hashSecret(browserSecret), request.clientId, request.redirectUri, request.scopes.join(' '), request.state ?? null,
      request.nonce ?? null, request.codeChallenge, request.launchUserId ?? null, request.userId ?? null, request.patient ?? null,
      request.encounter ?? null, JSON.stringify(request.fhirContext), request.ehrLaunch, REQUEST_SECONDS],
  );
}

/** A live, unfinished request started by this browser; undefined otherwise. */
export async function loadAuthorizationRequest(db: Db, requestId: string | undefined, browserSecret: string | undefined): Promise<AuthorizationRequest | undefined> {
  if (!requestId || !browserSecret) return undefined;
  const { rows } = await db.query<RequestRow>(
    `SELECT ${COLUMNS} FROM auth_request WHERE request_id = $1 AND browser_hash = $2 AND completed_at IS NULL AND expires_at > now()`,
    [requestId, hashSecret(browserSecret)],
  );
  return rows[0] && toRequest(rows[0]);
}

export async function setRequestUser(db: Db, requestId: string, userId: string, patient?: string): Promise<void> {
  await db.query('UPDATE auth_request SET user_id = $2, patient = coalesce(patient, $3) WHERE request_id = $1', [requestId, userId, patient ?? null]);
}

export async function setRequestPatient(db: Db, requestId: string, patient: string): Promise<void> {
  await db.query('UPDATE auth_request SET patient = $2 WHERE request_id = $1 AND patient IS NULL', [requestId, patient]);
}

/** Finishes the request exactly once (a double-submitted consent form cannot mint two codes). */
export async function completeAuthorizationRequest(db: Db, requestId: string): Promise<boolean> {
  const result = await db.query('UPDATE auth_request SET completed_at = now() WHERE request_id = $1 AND completed_at IS NULL AND expires_at > now()', [requestId]);
  return (result.rowCount ?? 0) > 0;
}
