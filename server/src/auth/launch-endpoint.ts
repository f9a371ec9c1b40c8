/**
 * POST /auth/launch — our launcher (the "EHR") asks for a launch context before opening an app:
 * `{"client_id": "...", "patient": "...", "encounter": "...", "fhirContext": [...]}` with the launching user's
 * (or an admin's) bearer token. The patient and encounter must be ones that token may read. Answers the opaque
 * `launch` value, `iss`, and the app's launch URL when the client has one.
 */
import type { NextFunction, Request, Response } from 'express';
import { badRequest, FhirError, forbidden } from '../errors';
import { accessFilter } from '../store/access-filter';
import { sql } from '../store/sql';
import { InvalidToken, verifyAccessToken } from './access-token';
import type { AuthServer } from './auth-server';
import { findClient } from './clients';
import { accessFromToken, invalidTokenError } from './fhir-authentication';
import { cleanFhirContext, isRelativeReference } from './launch-context';
import { issueLaunch } from './launches';
import { clientIp } from './oauth-http';
import type { AccessContext } from './access-context';

export function launchEndpoint(server: AuthServer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handleLaunch(server, req, res).catch(next);
  };
}

async function handleLaunch(server: AuthServer, req: Request, res: Response): Promise<void> {
  const access = await bearerAccess(server, req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const clientId = optionalString(body.client_id, 'client_id');
  const patient = optionalString(body.patient, 'patient');
  const encounter = optionalString(body.encounter, 'encounter');
  const client = clientId ? await findClient(server.pool, clientId) : undefined;
  if (clientId && (!client || client.disabled || client.type === 'backend')) throw badRequest(`Unknown SMART app: ${clientId}`);
  if (patient) await requireReadable(server, access, 'Patient', patient);
  if (encounter) await requireReadable(server, access, 'Encounter', encounter);
  const fhirContext = cleanFhirContext(body.fhirContext);
  for (const item of fhirContext) {
    if (item.reference) await requireReadable(server, access, ...(item.reference.split('/') as [string, string]));
  }
  const launch = await issueLaunch(server.pool, { clientId, userId: access.principal.userId, patient, encounter, fhirContext });
  await server.audit.record({
    kind: 'launch', subtype: 'ehr-launch', action: 'E', outcome: '0', agent: { ...access.principal }, sourceIp: clientIp(req),
    patients: patient ? [patient] : [], entities: [encounter ? `Encounter/${encounter}` : '', ...fhirContext.map((i) => i.reference ?? '')].filter(Boolean),
  });
  const iss = server.settings.fhirBase;
  const launchUrl = client?.launchUri ? `${client.launchUri}${client.launchUri.includes('?') ? '&' : '?'}iss=${encodeURIComponent(iss)}&launch=${encodeURIComponent(launch)}` : undefined;
  res.setHeader('Cache-Control', 'no-store');
  res.status(201).json({ launch, iss, ...(launchUrl ? { launch_url: launchUrl } : {}) });
}

async function bearerAccess(server: AuthServer, req: Request): Promise<AccessContext> {
  const header = req.headers.authorization;
  if (!header || !/^bearer /i.test(header)) throw invalidTokenError(server, 'a bearer token of the launching user is required');
  try {
    const token = await verifyAccessToken(server, header.slice(7).trim());
    if (!token.userId && !token.clientIsAdmin) throw forbidden('Only a signed-in user or an admin client may launch apps');
    return await accessFromToken(server, token, clientIp(req));
  } catch (err) {
    if (err instanceof InvalidToken) throw invalidTokenError(server, err.description);
    throw err;
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || (name !== 'client_id' && !/^[A-Za-z0-9\-.]{1,64}$/.test(value))) throw badRequest(`${name} must be an id`);
  return value;
}

async function requireReadable(server: AuthServer, access: AccessContext, resourceType: string, id: string): Promise<void> {
  if (!isRelativeReference(`${resourceType}/${id}`)) throw badRequest(`Invalid reference ${resourceType}/${id}`);
  const { text, values } = sql`SELECT 1 FROM resource r WHERE r.resource_type = ${resourceType} AND r.id = ${id} AND NOT r.deleted
    AND ${accessFilter(access.policy, 'r', 'r', resourceType)}`.toQuery();
  const { rowCount } = await server.pool.query(text, values);
  if (!rowCount) throw new FhirError(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: `${resourceType}/${id} not found` }] });
}
