/**
 * The real `fhirclient` library (its Node adapter, running as a SMART app on its own port) completes a
 * standalone launch and an EHR launch from our launcher against our server: discovery, authorize, our login and
 * consent pages, PKCE, token exchange, then FHIR reads with the token — all over real HTTP.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import smart from 'fhirclient';
import { registerClient } from '../../server/src/auth/clients';
import { Clinic, createClinic, PASSWORD } from '../support/auth-fixtures';
import { FetchBrowser } from '../support/auth-fetch-browser';
import { listen, LiveServer, startLiveServer } from '../support/auth-live-server';
import { authServerOf, mintToken } from '../support/auth-tokens';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
let live: LiveServer;
let clinic: Clinic;
let app: Server;
let appOrigin: string;
const CLIENT_ID = 'fhirclient-app';
const storage = new Map<string, unknown>();
const store = {
  get: async (key: string) => storage.get(key),
  set: async (key: string, value: unknown) => {
    storage.set(key, value);
    return value;
  },
  unset: async (key: string) => storage.delete(key),
};

/** The SMART app: /launch (EHR, or standalone with ?standalone=1) and /callback, written the way fhirclient's docs show. */
function smartApp(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', appOrigin);
  const fail = (err: unknown) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: String((err as Error)?.message ?? err) }));
  };
  if (url.pathname === '/launch') {
    const standalone = url.searchParams.get('standalone') === '1';
    smart(req, res, store).authorize({
      clientId: CLIENT_ID,
      scope: standalone ? 'launch/patient openid fhirUser offline_access patient/*.rs' : 'launch openid fhirUser user/*.rs patient/*.rs',
      redirectUri: '/callback',
      pkceMode: 'required',
      ...(standalone ? { iss: live.fhirBase } : {}),
    }).catch(fail);
    return;
  }
  if (url.pathname === '/callback') {
    smart(req, res, store).ready().then(async (client) => {
      const patient = await client.patient.read();
      const user = await client.user.read();
      const observations = await client.request(`Observation?patient=${client.getPatientId()}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ patient, user, observations, tokenResponse: client.state.tokenResponse }));
    }).catch(fail);
    return;
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
  live = await startLiveServer(server);
  app = createServer(smartApp);
  appOrigin = `http://127.0.0.1:${await listen(app)}`;
  await registerClient(authServerOf(server.app).pool, {
    clientId: CLIENT_ID, type: 'public', redirectUris: [`${appOrigin}/callback`], launchUri: `${appOrigin}/launch`,
    scope: 'launch launch/patient openid fhirUser offline_access patient/*.rs user/*.rs',
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    app.closeAllConnections();
    app.close(() => resolve());
  });
  await live.close();
  await server.close();
});

test('standalone launch: a patient signs in, fhirclient gets a token and reads their record', async () => {
  const browser = new FetchBrowser();
  const { response, body } = await browser.navigate(`${appOrigin}/launch?standalone=1`, { username: clinic.users.patientA, password: PASSWORD });
  expect(response.status).toBe(200);
  const result = JSON.parse(body);
  expect(result.patient.id).toBe(clinic.patientA);
  expect(result.user.resourceType).toBe('Patient');
  expect(result.tokenResponse.patient).toBe(clinic.patientA);
  expect(result.tokenResponse.refresh_token).toEqual(expect.any(String));
  const subjects = result.observations.entry.map((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference);
  expect(new Set(subjects)).toEqual(new Set([`Patient/${clinic.patientA}`]));
  expect(browser.visited).toEqual(expect.arrayContaining([`GET ${live.origin}/auth/authorize`, `POST ${live.origin}/auth/login`, `POST ${live.origin}/auth/consent`]));
});

test('A.6 / D.5.2 EHR launch: our launcher binds patient and encounter; fhirclient completes the launch as the clinician', async () => {
  const clinicianToken = await mintClinicianToken();
  const launched = await fetch(`${live.origin}/auth/launch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${clinicianToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, patient: clinic.patientA, encounter: clinic.encounterA, fhirContext: [{ reference: `Observation/${clinic.observationA}` }] }),
  });
  expect(launched.status).toBe(201);
  const { launch_url: launchUrl, iss } = await launched.json();
  expect(iss).toBe(live.fhirBase);
  const browser = new FetchBrowser();
  const { response, body } = await browser.navigate(launchUrl, { username: clinic.users.clinician, password: PASSWORD });
  expect(response.status).toBe(200);
  const result = JSON.parse(body);
  expect(result.patient.id).toBe(clinic.patientA);
  expect(result.user.resourceType).toBe('Practitioner');
  expect(result.tokenResponse.encounter).toBe(clinic.encounterA);
  expect(result.tokenResponse.need_patient_banner).toBe(false);
  expect(result.tokenResponse.fhirContext).toEqual([{ reference: `Observation/${clinic.observationA}` }]);
  expect(browser.visited).not.toContain(`POST ${live.origin}/auth/pick-patient`);
  // D.5.2: the encounter in context reads with the token.
  const encounter = await fetch(`${live.fhirBase}/Encounter/${result.tokenResponse.encounter}`, { headers: { Authorization: `Bearer ${result.tokenResponse.access_token}` } });
  expect(encounter.status).toBe(200);
  expect((await encounter.json()).resourceType).toBe('Encounter');
});

test('the launch is bound to the launching clinician: another user cannot use it', async () => {
  const clinicianToken = await mintClinicianToken();
  const launched = await (await fetch(`${live.origin}/auth/launch`, {
    method: 'POST', headers: { Authorization: `Bearer ${clinicianToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, patient: clinic.patientA }),
  })).json();
  const browser = new FetchBrowser();
  const { url } = await browser.navigate(launched.launch_url, { username: clinic.users.otherClinician, password: PASSWORD });
  expect(new URL(url).searchParams.get('error')).toBe('access_denied');
});

test('the launcher refuses a patient the clinician may not open', async () => {
  const clinicianToken = await mintClinicianToken();
  const refused = await fetch(`${live.origin}/auth/launch`, {
    method: 'POST', headers: { Authorization: `Bearer ${clinicianToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, patient: clinic.patientB }),
  });
  expect(refused.status).toBe(404);
  expect((await refused.json()).resourceType).toBe('OperationOutcome');
});

/** The clinician signed in to our launcher: a user token for their Practitioner. */
async function mintClinicianToken(): Promise<string> {
  return mintToken(live.app, 'openid fhirUser user/*.rs', { username: clinic.users.clinician });
}

test('a launch issued by an admin service still needs a user who may open its patient', async () => {
  const adminToken = await mintToken(live.app, 'system/*.rs');
  const launched = await (await fetch(`${live.origin}/auth/launch`, {
    method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, patient: clinic.patientB }),
  })).json();
  const browser = new FetchBrowser();
  const { url } = await browser.navigate(launched.launch_url, { username: clinic.users.clinician, password: PASSWORD });
  expect(new URL(url).searchParams.get('error')).toBe('access_denied');
});
