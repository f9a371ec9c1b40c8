/**
 * The outcomes dashboard in a real browser: a program manager (a practitioner with a role in the program) signs
 * in, picks the program, gets its $outcome-report for a period, opens a patient's $outcomes with the PHQ-9
 * series chart; a period the server refuses shows its OperationOutcome message; an EHR launch with a patient
 * opens that patient directly.
 */
import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createResource } from '../support/auth-fixtures';
import { mintToken } from '../support/auth-tokens';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let manager: string;

const phq9 = JSON.parse(readFileSync(path.join(__dirname, '../../profiles/questionnaires/Questionnaire-phq-9.json'), 'utf8')) as Questionnaire;

/** A completed PHQ-9 with these nine item values, authored `daysAgo` days ago. */
function phq9Response(patientId: string, values: number[], daysAgo: number): QuestionnaireResponse {
  const items = (phq9.item ?? []).filter((i) => i.type === 'choice' && i.required);
  return {
    resourceType: 'QuestionnaireResponse', questionnaire: phq9.url, status: 'completed', subject: { reference: `Patient/${patientId}` },
    authored: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
    item: items.map((item, i) => ({ linkId: item.linkId, answer: [{ valueCoding: item.answerOption![values[i]].valueCoding }] })),
  };
}

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 3 });
  await createResource(env.server, {
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${fx.practitioners[1]}` },
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }],
  });
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-40))).status).toBe(201);
  // Ana: 20 → 14 → 8 (response, not remission); Ben: 12 then 3 (response and remission); Cara: never measured.
  const series: [string, number[], number][] = [
    [fx.patients[0], [3, 3, 2, 2, 2, 2, 2, 2, 2], 30], [fx.patients[0], [2, 2, 2, 2, 2, 2, 1, 1, 0], 15], [fx.patients[0], [1, 1, 1, 1, 1, 1, 1, 1, 0], 2],
    [fx.patients[1], [2, 2, 2, 2, 1, 1, 1, 1, 0], 25], [fx.patients[1], [1, 1, 1, 0, 0, 0, 0, 0, 0], 3],
  ];
  for (const [patient, values, daysAgo] of series) {
    const res = await env.server.http.post('/fhir/QuestionnaireResponse/$score').set('Content-Type', 'application/fhir+json').send(phq9Response(patient, values, daysAgo));
    expect(res.status).toBe(201);
  }
  manager = await createLogin(env, `Practitioner/${fx.practitioners[1]}`);
}, 90_000);
afterAll(() => env?.close());

describeInBrowser('outcomes dashboard', () => {
  test('program → outcome report → a patient\'s outcomes and PHQ-9 chart', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/outcomes-dashboard/launch.html`);
    await signIn(page, manager);
    await page.waitForURL(/\/apps\/outcomes-dashboard\/index\.html/);
    await page.locator(`[data-program="${fx.programs.iop}"]`).click();
    await page.getByLabel('From').fill(dayFromToday(-45));
    await page.getByLabel('To').fill(dayFromToday(0));
    await page.getByRole('button', { name: 'Show report' }).click();
    const measurement = page.locator('[data-measure="iop-measurement-rate"]');
    await measurement.waitFor();
    expect(await measurement.textContent()).toMatch(/66\.7 %.*2 of 3/);
    expect(await page.locator('[data-measure="iop-response-rate"]').textContent()).toMatch(/100 %.*2 of 2/);
    expect(await page.locator('[data-measure="iop-remission-rate"]').textContent()).toMatch(/50 %.*1 of 2/);
    expect(await page.locator('[data-measure]').count()).toBe(6);

    await page.locator(`#program-patients [data-patient="${fx.patients[0]}"]`).click();
    const row = page.locator('tr[data-instrument="phq-9"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('3');
    expect(cells[1]).toMatch(/^20 /);
    expect(cells[2]).toMatch(/^8 /);
    expect(cells[3]).toBe('-12');
    expect(cells[4]).toBe('yes');
    expect(cells[5]).toBe('no');
    expect(await page.locator('#patient-outcomes figure.score-chart').first().locator('circle.point').count()).toBe(3);
    expect(await page.locator('#patient-outcomes .chart-summary').first().textContent()).toMatch(/3 scores, latest 8 \(Mild\)/);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a period the server refuses shows its OperationOutcome message', async () => {
    const { page, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/outcomes-dashboard/launch.html`);
    await signIn(page, manager);
    await page.waitForURL(/index\.html/);
    await page.locator(`[data-program="${fx.programs.iop}"]`).click();
    await page.getByLabel('From').fill(dayFromToday(0));
    await page.getByLabel('To').fill(dayFromToday(-10));
    await page.getByRole('button', { name: 'Show report' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/The report could not be computed.*is before start/s);
    await context.close();
  });

  test('EHR launch with a patient opens that patient\'s outcomes', async () => {
    const token = await mintToken(env.live.app, 'openid fhirUser user/*.rs', { username: manager });
    const launched = await fetch(`${env.live.origin}/auth/launch`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'outcomes-dashboard', patient: fx.patients[1] }),
    });
    expect(launched.status).toBe(201);
    const { page, errors, context } = await newPage(env);
    await page.goto((await launched.json()).launch_url);
    await signIn(page, manager);
    await page.waitForURL(/index\.html/);
    await page.getByRole('heading', { name: 'Outcomes: Ben Okafor' }).waitFor();
    expect(await page.locator('tr[data-instrument="phq-9"] td').nth(5).textContent()).toBe('yes');
    expect(errors).toEqual([]);
    await context.close();
  });
});
