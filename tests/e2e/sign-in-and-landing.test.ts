/**
 * The server's own pages in a real browser (issue 16): the landing page at `/` (product, version, organisation,
 * links that work); the login and consent pages under our name, logo and the organisation's name, in plain words
 * (no references, ISO dates or scope strings outside the "technical details"); and an EHR launch of one of our
 * first-party apps asking the consent only the first time, while a new scope asks again.
 */
import type { Page } from 'playwright-core';
import { createResource } from '../support/auth-fixtures';
import { mintToken } from '../support/auth-tokens';
import { expectAccessible } from '../support/accessibility-check';
import { captureScreen } from '../support/screenshots';
import { createLogin, describeInBrowser, E2eEnvironment, E2E_PASSWORD, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let orgName: string;
let clinician: string;
let patientLogin: string;

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 2 });
  orgName = (await env.server.http.get(`/fhir/Organization/${fx.org}`)).body.name;
  await createResource(env.server, {
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${fx.practitioners[0]}` },
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }],
  });
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-10))).status).toBe(201);
  clinician = await createLogin(env, `Practitioner/${fx.practitioners[0]}`);
  patientLogin = await createLogin(env, `Patient/${fx.patients[0]}`);
}, 90_000);
afterAll(() => env?.close());

async function ehrLaunch(username: string, clientId: string, patient?: string): Promise<string> {
  const token = await mintToken(env.live.app, 'openid fhirUser user/*.rs', { username });
  const launched = await fetch(`${env.live.origin}/auth/launch`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: clientId, ...(patient ? { patient } : {}) }),
  });
  expect(launched.status).toBe(201);
  return (await launched.json()).launch_url;
}

/** The visible text of the page, without the closed "technical details". */
const visibleText = (page: Page) => page.locator('main').evaluate((main) => {
  const copy = main.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('details:not([open]) > :not(summary)').forEach((e) => e.remove());
  return copy.innerText;
});

describeInBrowser('the server\'s own pages', () => {
  test('GET / is a landing page: product, version, organisation, and links that lead somewhere', async () => {
    const { page, errors, context } = await newPage(env);
    const response = await page.goto(`${env.live.origin}/`);
    expect(response?.status()).toBe(200);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    expect(heading).toMatch(/^iop-fhir version \d+\.\d+\.\d+/);
    await page.getByText(orgName).waitFor();
    await expectAccessible(page, 'landing page');
    await captureScreen(page, 'landing-page');
    for (const [name, expected] of [['CapabilityStatement', /"resourceType"\s*:\s*"CapabilityStatement"/], ['SMART configuration', /authorization_endpoint/]] as const) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      expect(await (await fetch(`${env.live.origin}${href}`)).text()).toMatch(expected);
    }
    const doc = await page.getByRole('link', { name: /SMART authorization/ }).getAttribute('href');
    const docResponse = await fetch(`${env.live.origin}${doc}`);
    expect(docResponse.status).toBe(200);
    expect(docResponse.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fetch(`${env.live.origin}/docs/..%2Fpackage.json`)).status).toBe(404);
    await page.getByRole('link', { name: 'All apps' }).click();
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    expect(await page.locator('.brand').textContent()).toBe('iop-fhirApps');
    await expectAccessible(page, 'app launcher');
    await page.getByRole('link', { name: 'Group documentation' }).click();
    await page.getByLabel('Username').waitFor(); // the app's launch went to our login page
    expect(errors).toEqual([]);
    await context.close();
  });

  test('login and consent pages: our name, logo and the organisation; a patient reads plain words, no ids or scopes', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await page.getByLabel('Username').waitFor();
    expect(await page.locator('header.brand').textContent()).toBe(`iop-fhir${orgName}`);
    expect(await page.locator('header.brand svg').count()).toBe(1);
    await page.getByText(`Sign in with your ${orgName} account.`).waitFor();
    await expectAccessible(page, 'login page');
    await page.getByLabel('Username').fill(patientLogin);
    await page.getByLabel('Password').fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    await expectAccessible(page, 'consent page');
    await captureScreen(page, 'consent-page-patient');
    const text = await visibleText(page);
    expect(text).toContain(`with your records from ${orgName}`);
    for (const label of ['Know who you are', 'Open your own record', 'See, add to and update your health records', 'Stay signed in on this device until you sign out']) {
      expect(await page.getByLabel(label).isChecked()).toBe(true);
    }
    expect(text).not.toMatch(/Patient\/|\d{4}-\d{2}-\d{2}|patient\/\*|\.crus|chosen patient|openid|offline_access/);
    await page.getByText('Technical details').click();
    expect(await page.locator('details').textContent()).toContain('patient/*.crus');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.locator('#own-context').getByRole('heading', { name: 'Ana Rivera' }).waitFor();
    // Inside the app, the same identity: our logo and name beside the app's.
    expect(await page.locator('.app-header .brand').textContent()).toBe('iop-fhirPatient portal');
    expect(await page.locator('.app-header .brand img').evaluate((img) => (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('an EHR launch of our own app asks for consent once; the next launch goes straight in', async () => {
    const first = await newPage(env);
    await first.page.goto(await ehrLaunch(clinician, 'outcomes-dashboard', fx.patients[1]));
    await first.page.getByLabel('Username').fill(clinician);
    await first.page.getByLabel('Password').fill(E2E_PASSWORD);
    await first.page.getByRole('button', { name: 'Sign in' }).click();
    await first.page.getByRole('button', { name: 'Allow' }).waitFor();
    // A clinician sees whose record the app opens, by name and birth date in words.
    expect(await first.page.getByText('Patient:').textContent()).toMatch(/^Patient: Ben Okafor, born [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
    await expectAccessible(first.page, 'consent page for a clinician');
    await first.page.getByRole('button', { name: 'Allow' }).click();
    await first.page.waitForURL(/\/apps\/outcomes-dashboard\/index\.html/);
    await first.context.close();

    const second = await newPage(env);
    await second.page.goto(await ehrLaunch(clinician, 'outcomes-dashboard', fx.patients[0]));
    expect(await signIn(second.page, clinician)).toBe(false);
    await second.page.getByRole('heading', { name: 'Outcomes: Ana Rivera' }).waitFor();
    expect(second.errors).toEqual([]);
    await second.context.close();

    // Another of our apps was never approved by this user: it asks.
    const third = await newPage(env);
    await third.page.goto(await ehrLaunch(clinician, 'group-documentation'));
    expect(await signIn(third.page, clinician)).toBe(true);
    await third.page.waitForURL(/\/apps\/group-documentation\/index\.html/);
    await third.context.close();
  });
});
