/**
 * SMART App Launch for our apps, through the browser build of fhirclient (global FHIR, loaded by a classic
 * <script> before the app's module): the launch page starts an EHR launch (?iss&launch) or a standalone one
 * against the FHIR server that serves the app; the app page completes it, applies the EHR's style, and shows the
 * patient banner when the token asks for one.
 */
import { h, replaceContent } from './elements.js';
import { describePatient, formatName } from './fhir-format.js';
import { fhirRequest } from './fhir-requests.js';

/**
 * @param {{ clientId: string, scope: string, ehrScope?: string }} app scope of a standalone launch; ehrScope of an
 * EHR launch (defaults to `launch` + scope)
 */
export function startLaunch(app) {
  const params = new URLSearchParams(window.location.search);
  const ehrLaunch = params.has('launch');
  return window.FHIR.oauth2.authorize({
    clientId: app.clientId,
    scope: ehrLaunch ? app.ehrScope ?? `launch ${app.scope}` : app.scope,
    redirectUri: 'index.html',
    pkceMode: 'required',
    // Standalone: our own FHIR server, the one that serves this page.
    ...(params.has('iss') ? {} : { iss: new URL('../../fhir', window.location.href).href }),
  });
}

/**
 * Completes the launch on the app page. Without a launch in progress (the page opened directly), offers sign-in.
 * @returns {Promise<any | undefined>} the fhirclient Client
 */
export async function connectApp() {
  let client;
  try {
    client = await window.FHIR.oauth2.ready();
  } catch (error) {
    replaceContent('app', h('section', { class: 'card' },
      h('h2', null, 'Sign in to continue'),
      h('p', null, 'This app needs you to sign in (or to be opened from your EHR).'),
      h('p', null, h('a', { class: 'button', href: 'launch.html' }, 'Sign in')),
      h('p', { class: 'hint' }, String(error?.message ?? error).split('\n')[0])));
    return undefined;
  }
  const token = client.state.tokenResponse ?? {};
  if (token.smart_style_url) applySmartStyle(token.smart_style_url);
  await showUser(client);
  if (token.need_patient_banner && client.patient.id) await showPatientBanner(client);
  return client;
}

/** The signed-in user's name in the header, with a sign-out link that forgets the session. */
async function showUser(client) {
  const slot = document.getElementById('user');
  if (!slot) return;
  let name = client.getFhirUser?.() ?? '';
  try {
    if (client.user.fhirUser) name = formatName((await fhirRequest(client, client.user.fhirUser)).name);
  } catch {
    // The user's own resource may be out of reach of the granted scopes; the reference will do.
  }
  const signOut = h('button', { type: 'button', class: 'link', onclick: () => {
    window.sessionStorage.clear();
    window.location.href = 'launch.html';
  } }, 'Sign out');
  replaceContent(slot, h('span', null, 'Signed in as ', h('strong', null, name || 'unknown user')), ' ', signOut);
}

async function showPatientBanner(client) {
  const banner = document.getElementById('patient-banner');
  if (!banner) return;
  try {
    const patient = await fhirRequest(client, `Patient/${client.patient.id}`);
    replaceContent(banner, h('strong', null, formatName(patient.name)), ' ', h('span', null, describePatient(patient)));
    banner.hidden = false;
  } catch {
    replaceContent(banner, `Patient ${client.patient.id}`);
    banner.hidden = false;
  }
}

const STYLE_VARIABLES = {
  color_background: '--background', color_text: '--text', color_highlight: '--accent', color_error: '--error',
  color_success: '--success', dim_border_radius: '--radius', font_family_body: '--font-body', font_family_heading: '--font-heading',
};

/** The EHR's look (SMART smart_style_url): only the few values our stylesheet exposes as variables. */
async function applySmartStyle(url) {
  try {
    const response = await fetch(url);
    if (!response.ok) return;
    const style = await response.json();
    for (const [key, variable] of Object.entries(STYLE_VARIABLES)) {
      if (typeof style[key] === 'string' && style[key] !== '' && !/[;{}]/.test(style[key])) document.documentElement.style.setProperty(variable, style[key]);
    }
  } catch {
    // Styling is optional.
  }
}
