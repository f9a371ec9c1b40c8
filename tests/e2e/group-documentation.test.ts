/**
 * Group documentation in a real browser: a clinician opens the app from our launcher (standalone launch), signs in
 * on our login and consent pages, records a session's attendance, writes the group note with member sections and
 * signs it — then the server holds the Encounters, final Compositions and Provenance. Also: an EHR launch through
 * POST /auth/launch opens the named session directly, and a server refusal is shown as its OperationOutcome text.
 */
import type { Bundle, Composition, Encounter, Provenance } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { createResource } from '../support/auth-fixtures';
import { mintToken } from '../support/auth-tokens';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, output, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let clinician: string;
let pastSession: string;
let futureSession: string;
const PAST_DAY = dayFromToday(-1);
const FUTURE_DAY = dayFromToday(2);

async function scheduleOne(day: string): Promise<string> {
  const res = await schedule(env.server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: day, to: day, facilitators: [fx.practitioners[0]] });
  expect(res.status).toBe(200);
  return output(res.body, 'session')!.valueReference!.reference!.split('/')[1];
}

async function search<T>(query: string): Promise<T[]> {
  const res = await env.server.http.get(`/fhir/${query}`);
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as T);
}

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 3 });
  await createResource(env.server, {
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${fx.practitioners[0]}` },
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }],
  });
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-20))).status).toBe(201);
  pastSession = await scheduleOne(PAST_DAY);
  futureSession = await scheduleOne(FUTURE_DAY);
  clinician = await createLogin(env, `Practitioner/${fx.practitioners[0]}`);
}, 90_000);
afterAll(() => env?.close());

async function openDay(page: Page, day: string, session: string): Promise<void> {
  await page.getByLabel('Day').fill(day);
  await page.locator(`[data-session="${session}"]`).click();
  await page.locator('#session-heading').waitFor();
}

describeInBrowser('group documentation', () => {
  test('standalone launch from /apps/: attendance, group note with member sections, signing', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/`);
    await page.getByRole('link', { name: 'Group documentation' }).click();
    await signIn(page, clinician);
    await page.waitForURL(/\/apps\/group-documentation\/index\.html/);
    await page.getByText('Signed in as').waitFor();
    expect(await page.locator('#patient-banner').isHidden()).toBe(true);

    await openDay(page, PAST_DAY, pastSession);
    await page.getByLabel('Attendance of Ben Okafor').selectOption('left-early');
    await page.getByLabel('Minutes attended by Ben Okafor').fill('100');
    await page.getByLabel('Attendance of Cara Lindqvist').selectOption('absent-unexcused');
    await page.getByLabel('Absence reason for Cara Lindqvist').selectOption('transportation');
    await page.getByRole('button', { name: 'Record attendance' }).click();
    await page.getByText('Attendance recorded').waitFor();
    expect(await page.locator('#status').textContent()).toContain('2 attended, 1 absent');

    await page.getByLabel('Topic', { exact: true }).fill('Cognitive restructuring');
    await page.getByLabel('Interventions', { exact: true }).fill('Thought records, guided discovery');
    await page.getByLabel('Group summary').fill('The group practised catching automatic thoughts.');
    const ana = page.locator(`fieldset[data-patient="${fx.patients[0]}"]`);
    await ana.getByLabel('Progress and observations').fill('Ana challenged a thought about work after Ben shared his.');
    await ana.getByText('Mentions another group member (Ben)').waitFor();
    await page.locator(`fieldset[data-patient="${fx.patients[1]}"]`).getByLabel('Progress and observations').fill('Left early for a medical appointment.');
    await page.getByRole('button', { name: 'Write notes' }).click();
    await page.getByText('3 draft notes written').waitFor();

    const notes = page.locator('[data-note]');
    await notes.first().waitFor();
    expect(await notes.count()).toBe(3);
    const anaNote = notes.filter({ hasText: 'Ana Rivera — draft' });
    const anaText = await anaNote.textContent();
    expect(anaText).toContain('Cognitive restructuring');
    expect(anaText).toContain('Ana challenged a thought');
    expect(anaText).not.toMatch(/Ben|Okafor|Cara|Lindqvist/);
    expect(await notes.filter({ hasText: 'Cara Lindqvist — draft' }).textContent()).not.toMatch(/Cognitive restructuring|Ana|Ben/);

    await page.getByRole('button', { name: 'Sign 3 notes' }).click();
    await page.getByText('3 notes signed').waitFor();
    await page.getByText('All notes are signed.').waitFor();
    expect(errors).toEqual([]);
    await context.close();

    const [sessionEncounter] = await search<Encounter>(`Encounter?appointment=Appointment/${pastSession}`);
    expect(sessionEncounter.status).toBe('finished');
    const attendance = await search<Encounter>(`Encounter?part-of=Encounter/${sessionEncounter.id}`);
    expect(attendance.map((e) => e.subject?.reference).sort()).toEqual([`Patient/${fx.patients[0]}`, `Patient/${fx.patients[1]}`].sort());
    expect(attendance.find((e) => e.subject?.reference === `Patient/${fx.patients[1]}`)?.length?.value).toBe(100);
    const compositions = await search<Composition>(`Composition?encounter=${[sessionEncounter, ...attendance].map((e) => `Encounter/${e.id}`).join(',')}`);
    expect(compositions).toHaveLength(3);
    expect(compositions.every((c) => c.status === 'final')).toBe(true);
    const provenance = await search<Provenance>(`Provenance?target=${compositions.map((c) => `Composition/${c.id}`).join(',')}`);
    expect(provenance).toHaveLength(3);
    expect(provenance[0].signature?.[0].who.reference).toBe(`Practitioner/${fx.practitioners[0]}`);
  });

  test('a refusal by the server is shown with its OperationOutcome message (attendance before the session starts)', async () => {
    const { page, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
    await signIn(page, clinician);
    await page.waitForURL(/index\.html/);
    await openDay(page, FUTURE_DAY, futureSession);
    await page.getByRole('button', { name: 'Record attendance' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Attendance was not recorded.*attendance is recorded once it has started/s);
    expect((await search<Encounter>(`Encounter?appointment=Appointment/${futureSession}`))).toHaveLength(0);
    await context.close();
  });

  test('EHR launch through POST /auth/launch opens the session named in fhirContext', async () => {
    const token = await mintToken(env.live.app, 'openid fhirUser user/*.rs', { username: clinician });
    const launched = await fetch(`${env.live.origin}/auth/launch`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'group-documentation', patient: fx.patients[0], fhirContext: [{ reference: `Appointment/${futureSession}` }] }),
    });
    expect(launched.status).toBe(201);
    const { launch_url: launchUrl } = await launched.json();
    expect(launchUrl).toContain('/apps/group-documentation/launch.html?iss=');
    const { page, errors, context } = await newPage(env);
    await page.goto(launchUrl);
    await signIn(page, clinician);
    await page.waitForURL(/index\.html/);
    await page.locator('#session-heading').waitFor();
    expect(await page.locator(`[data-session="${futureSession}"]`).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByLabel('Day').inputValue()).toBe(FUTURE_DAY);
    expect(await page.locator('form').filter({ hasText: 'Attendance' }).textContent()).toContain('Ana Rivera');
    expect(errors).toEqual([]);
    await context.close();
  });
});
