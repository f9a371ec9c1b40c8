/**
 * Our own SMART apps (smart-apps/*), registered as public clients at every start of the server so their redirect
 * URIs follow its BASE_URL (never by the admin CLI: see AuthServerOptions). Each app is served at /apps/<app>/,
 * with its SMART launch URL at /apps/<app>/launch.html.
 */
import type { AuthSettings } from './auth-settings';
import { registerClient } from './clients';
import type { Pool } from 'pg';

interface BuiltinApp {
  clientId: string;
  name: string;
  scope: string;
}

const CONTEXT = 'openid fhirUser offline_access online_access launch launch/patient launch/encounter';

export const BUILTIN_APPS: BuiltinApp[] = [
  { clientId: 'group-documentation', name: 'IOP group documentation', scope: `${CONTEXT} user/*.cruds patient/*.cruds user/*.rs patient/*.rs` },
  { clientId: 'patient-portal', name: 'IOP patient portal', scope: `${CONTEXT} patient/*.cruds patient/*.rs user/*.rs` },
  { clientId: 'outcomes-dashboard', name: 'IOP outcomes dashboard', scope: `${CONTEXT} user/*.rs patient/*.rs` },
];

export async function registerBuiltinClients(db: Pool, settings: AuthSettings): Promise<void> {
  for (const app of BUILTIN_APPS) {
    const base = `${settings.issuer}/apps/${app.clientId}/`;
    await registerClient(db, {
      clientId: app.clientId,
      type: 'public',
      name: app.name,
      redirectUris: [base, `${base}index.html`],
      launchUri: `${base}launch.html`,
      scope: app.scope,
    }, true);
  }
}

/** Our own apps: served by this server and registered by it, so a user's earlier consent may be remembered for them. */
export function isFirstPartyApp(clientId: string): boolean {
  return BUILTIN_APPS.some((app) => app.clientId === clientId);
}
