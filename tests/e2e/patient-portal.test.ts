/**
 * The patient portal in a real browser: a patient signs in (standalone launch, our login and consent pages), sees
 * their upcoming sessions, fills in a PHQ-9 rendered from the stored Questionnaire, gets the server's score and a
 * progress chart; answering item 9 above "Not at all" shows the 988 crisis resources at once and raises a risk Flag.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Flag, Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let patientLogin: string;
const ITEM_9 = '44260-8';
const DIFFICULTY = '69722-7'; // optional, unscored

async function search<T>(query: string): Promise<T[]> {
  const res = await env.server.http.get(`/fhir/${query}`);
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as T);
}

beforeAll(async () => {
  env = await startE2e();
  // The server stores profiles/questionnaires/ at start; a test server skips that (it is slow), so store the two here.
  for (const id of ['phq-9', 'gad-7']) {
    const questionnaire = JSON.parse(readFileSync(path.join(__dirname, `../../profiles/questionnaires/Questionnaire-${id}.json`), 'utf8'));
    expect((await env.server.http.put(`/fhir/Questionnaire/${id}`).set('Content-Type', 'application/fhir+json').send(questionnaire)).status).toBeLessThan(300);
  }
  fx = await createFixture(env.server, { patients: 2 });
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-10))).status).toBe(201);
  const scheduled = await schedule(env.server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], startTime: '09:00', minutes: 180, from: dayFromToday(1), to: dayFromToday(7), facilitators: [fx.practitioners[0]] });
  expect(scheduled.status).toBe(200);
  patientLogin = await createLogin(env, `Patient/${fx.patients[0]}`);
}, 90_000);
afterAll(() => env?.close());

/** Answers every PHQ-9 question with `answer`, and item 9 with `item9`. */
async function answerPhq9(page: Page, answer: string, item9: string): Promise<void> {
  const questions = page.locator('fieldset[data-link-id]');
  await questions.first().waitFor();
  const linkIds = await questions.evaluateAll((sets) => sets.map((s) => (s as HTMLElement).dataset.linkId!));
  expect(linkIds).toHaveLength(10);
  for (const linkId of linkIds.filter((id) => id !== DIFFICULTY)) {
    await page.locator(`fieldset[data-link-id="${linkId}"]`).getByLabel(linkId === ITEM_9 ? item9 : answer, { exact: true }).check();
  }
}

describeInBrowser('patient portal', () => {
  test('a patient signs in, sees upcoming sessions, submits a PHQ-9 and sees the score and the chart; item 9 shows crisis resources', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, patientLogin);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.locator('#patient-banner').getByText('Ana Rivera').waitFor();
    await page.locator('#sessions [data-appointment]').first().waitFor();
    expect(await page.locator('#sessions [data-appointment]').count()).toBeGreaterThanOrEqual(4);
    await page.getByText('No scores yet.').first().waitFor();

    await page.getByRole('button', { name: 'Start PHQ-9 (depression) check-in' }).click();
    await answerPhq9(page, 'More than half the days', 'Not at all');
    expect(await page.locator('#crisis').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Submit check-in' }).click();
    await page.getByText('Your PHQ-9 (depression) score: 16').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/16 \(Moderately severe\)/);
    await page.locator('figure.score-chart circle.point').first().waitFor();
    expect(await page.locator('.chart-summary').first().textContent()).toMatch(/1 score, latest 16 \(Moderately severe\)/);
    expect(await page.locator('#crisis').isHidden()).toBe(true);

    const [response] = await search<QuestionnaireResponse>(`QuestionnaireResponse?patient=Patient/${fx.patients[0]}`);
    expect(response.questionnaire).toBe('http://iop-fhir.org/fhir/Questionnaire/phq-9');
    expect(response.status).toBe('completed');
    const [score] = await search<Observation>(`Observation?derived-from=QuestionnaireResponse/${response.id}`);
    expect(score.valueInteger).toBe(16);

    await page.getByRole('button', { name: 'Start PHQ-9 (depression) check-in' }).click();
    await answerPhq9(page, 'Several days', 'Several days');
    // Before submitting: the crisis resources appear as soon as item 9 is answered.
    const crisis = page.locator('#crisis');
    await crisis.getByText('Call or text 988').waitFor();
    expect(await crisis.getAttribute('hidden')).toBeNull();
    await page.getByRole('button', { name: 'Submit check-in' }).click();
    await page.getByText('Your PHQ-9 (depression) score: 9').waitFor();
    await crisis.getByText('Your care team has been alerted').waitFor();
    await page.getByText(/2 scores, latest 9 \(Mild\)/).waitFor();

    await page.getByRole('button', { name: 'Start GAD-7 (anxiety) check-in' }).click();
    const gadItems = page.locator('fieldset[data-link-id]');
    await page.getByRole('heading', { name: /GAD-7/ }).first().waitFor();
    expect(await gadItems.count()).toBe(7);
    for (let i = 0; i < 7; i++) await gadItems.nth(i).getByLabel('Several days', { exact: true }).check();
    await page.getByRole('button', { name: 'Submit check-in' }).click();
    await page.getByText('Your GAD-7 (anxiety) score: 7').waitFor();
    await page.getByText(/GAD-7 \(anxiety\): 1 score, latest 7 \(Mild\)/).waitFor();
    expect(errors).toEqual([]);
    await context.close();

    const flags = await search<Flag>(`Flag?patient=Patient/${fx.patients[0]}`);
    expect(flags.filter((f) => f.status === 'active')).toHaveLength(1);
  });

  test('a patient sees only their own record: another patient\'s scores never reach the portal', async () => {
    const otherLogin = await createLogin(env, `Patient/${fx.patients[1]}`);
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, otherLogin);
    await page.waitForURL(/index\.html/);
    await page.locator('#patient-banner').getByText('Ben Okafor').waitFor();
    await page.getByText('No scores yet.').first().waitFor();
    expect(await page.locator('figure.score-chart circle.point').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('opening the app page without signing in offers the sign-in instead of failing', async () => {
    const { page, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/index.html`);
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('launch.html');
    await context.close();
  });
});
