/**
 * The outcomes dashboard in a real browser: a program manager (a practitioner with a role in the program) signs
 * in, picks the program, gets its $outcome-report for a period, opens a patient's $outcomes with the PHQ-9
 * series chart; a period the server refuses shows its OperationOutcome message; an EHR launch with a patient
 * opens that patient directly. Issue 16: the patients in one sortable table (latest scores, change, risk flags,
 * attendance) with CSV export, the chosen patient's outcomes beside it under a patient-context header, measure cards
 * without the program's name repeated, and the programs' outcomes by month compared in one chart, table and CSV; a
 * program's outcomes by clinician (its $outcome-report?groupBy=clinician by month) likewise.
 */
import type { MeasureReport, Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { createResource } from '../support/auth-fixtures';
import { expectAccessible } from '../support/accessibility-check';
import { captureScreen } from '../support/screenshots';
import { mintToken } from '../support/auth-tokens';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, invoke, output, params, schedule } from '../integration/iop-fixtures';

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
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }, { reference: `HealthcareService/${fx.programs.php}` }],
  });
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-40))).status).toBe(201);
  // One session three days ago: Ana attended, Ben missed it, Cara's attendance is not recorded.
  const day = dayFromToday(-3);
  const scheduled = await schedule(env.server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: day, to: day, facilitators: [fx.practitioners[0]] });
  const session = output(scheduled.body, 'session')!.valueReference!.reference!;
  const recorded = await invoke(env.server, `${session}/$record-attendance`, params(
    { name: 'participant', part: [{ name: 'patient', valueReference: { reference: `Patient/${fx.patients[0]}` } }, { name: 'status', valueCode: 'present' }] },
    { name: 'participant', part: [{ name: 'patient', valueReference: { reference: `Patient/${fx.patients[1]}` } }, { name: 'status', valueCode: 'absent-unexcused' }] },
  ));
  expect(recorded.status).toBe(200);
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

/** The text of the file a click downloads. */
async function downloadedText(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFile((await download.path())!, 'utf8');
}

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
    expect(await page.locator('[data-measure]').count()).toBe(8);
    // The report's heading names the program once; the cards do not repeat it.
    const programName = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`)).body.name;
    for (const card of await page.locator('[data-measure]').allTextContents()) expect(card).not.toContain(programName);

    // The patients at a glance: latest score with the change, risk flags and attendance, sortable, exportable.
    const table = page.locator('#patient-table');
    const rowOf = (patient: string) => table.locator(`tr[data-row="${patient}"]`);
    await rowOf(fx.patients[0]).waitFor();
    const header = await table.locator('thead th').allTextContents();
    expect(header).toEqual(['Patient', 'Age', 'Status', 'PHQ-9 latest', 'PHQ-9 change', 'GAD-7 latest', 'GAD-7 change', 'Risk flags', 'Attendance (30 days)']);
    const cellsOf = async (patient: string) => (await rowOf(patient).locator('th, td').allTextContents());
    const ana = await cellsOf(fx.patients[0]);
    expect(ana[3]).toMatch(/^8[A-Z][a-z]{2} \d{1,2}, \d{4}$/); // the score, then its date
    expect(ana[4]).toBe('-12');
    expect(ana[7]).not.toBe('—'); // item 9 answered above "Not at all" raised a risk flag
    expect(ana[8]).toBe('100 % (1/1)');
    expect((await cellsOf(fx.patients[1]))[8]).toBe('0 % (0/1)');
    expect((await cellsOf(fx.patients[2])).slice(3, 5)).toEqual(['—', '—']);
    const order = async () => (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.row)));
    await table.getByRole('button', { name: 'PHQ-9 latest' }).click();
    expect(await table.locator('th[data-column="phq9-latest"]').getAttribute('aria-sort')).toBe('descending');
    expect(await order()).toEqual([fx.patients[0], fx.patients[1], fx.patients[2]]);
    await table.getByRole('button', { name: 'PHQ-9 latest' }).click();
    expect(await order()).toEqual([fx.patients[1], fx.patients[0], fx.patients[2]]); // never measured: last either way
    const csv = await downloadedText(page, () => table.getByRole('button', { name: 'Download CSV' }).click());
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Patient,Age,Status,PHQ-9 latest,PHQ-9 change,GAD-7 latest,GAD-7 change,Risk flags,Attendance (30 days)');
    expect(lines[1]).toMatch(/^Ben Okafor,\d+,Enrolled,3,-9,,,.*,0$/); // flags, if any, as their text
    await expectAccessible(page, 'program report and patient table');

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
    // The patient opens beside the list, in view, under a header with the patient's context.
    const detail = (await page.locator('#patient-heading').boundingBox())!;
    const list = (await table.boundingBox())!;
    expect(detail.x).toBeGreaterThan(list.x + list.width - 1);
    expect(detail.y).toBeGreaterThanOrEqual(0);
    expect(detail.y).toBeLessThan(page.viewportSize()!.height);
    const contextText = await page.locator('#patient-outcomes .patient-context').textContent();
    expect(contextText).toContain(`Program${programName}`);
    expect(contextText).toMatch(/MRN\S+-0/);
    expect(await page.locator('#patient-outcomes .patient-context .badge.risk').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'patient outcomes beside the list');
    await captureScreen(page, 'outcomes-dashboard-patients');
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
    await expectAccessible(page, 'a refused period');
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
    await expectAccessible(page, 'patient opened by an EHR launch');
    expect(errors).toEqual([]);
    await context.close();
  });
  test('trends: each program\'s outcomes by month in one chart, with the numbers as a table and as CSV', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/outcomes-dashboard/launch.html`);
    await signIn(page, manager);
    await page.waitForURL(/index\.html/);
    await page.getByRole('button', { name: 'Show trends' }).click();
    const figure = page.locator('#program-trends figure.trend');
    await figure.waitFor();
    const names = await Promise.all([fx.programs.iop, fx.programs.php].map(async (id) => (await env.server.http.get(`/fhir/HealthcareService/${id}`)).body.name as string));
    expect((await figure.locator('.legend li').allTextContents()).map((t) => t.trim()).sort()).toEqual([...names].sort());
    await figure.getByText('Show the numbers as a table').click();
    const rows = figure.locator('table tbody tr');
    expect(await rows.count()).toBe(6);
    // This month's cell is the server's own report for the first of the month to today, whatever day that is.
    const today = dayFromToday(0);
    const report = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}/$outcome-report?start=${today.slice(0, 8)}01&end=${today}&instrument=phq-9`)).body;
    const response = report.entry.map((e: { resource: MeasureReport }) => e.resource).find((r: MeasureReport) => r.measure!.endsWith('iop-response-rate'));
    const rate = response.group[0].measureScore?.value;
    const lastRow = await rows.nth(5).locator('th, td').allTextContents();
    const iopColumn = 1 + (await figure.locator('table thead th').allTextContents()).slice(1).indexOf(names[0]);
    expect(lastRow[iopColumn]).toBe(rate === undefined ? '—' : `${Math.round(rate * 1000) / 10} %`);
    await page.getByLabel('Measure').selectOption('measurement');
    await figure.getByText(/^Measurement rate/).first().waitFor();
    const csv = await downloadedText(page, () => page.getByRole('button', { name: 'Download CSV (every measure)' }).click());
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Month,Start,End,Program,Measure,Numerator,Denominator,Rate');
    expect(lines.length - 1).toBe(2 * 6 * 8); // two programs, six months, eight measures
    await expectAccessible(page, 'trends');
    await figure.scrollIntoViewIfNeeded();
    await captureScreen(page, 'outcomes-dashboard-trends');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('outcomes by clinician: a program\'s report per care manager by month, in one chart, table and CSV', async () => {
    // The PHP program's patients each have a care manager: Ana (20 → 8, no remission) with the first therapist, Ben
    // (12 → 3, remission) with the second; Cara has none, so she counts in the program's figures only.
    const [first, second] = fx.practitioners;
    for (const [patient, manager] of [[fx.patients[0], first], [fx.patients[1], second], [fx.patients[2], undefined]] as const) {
      const careManager = manager ? [{ name: 'careManager', valueReference: { reference: `Practitioner/${manager}` } }] : [];
      expect((await enroll(env.server, fx.programs.php, patient, dayFromToday(-40), careManager)).status).toBe(201);
    }
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/outcomes-dashboard/launch.html`);
    await signIn(page, manager);
    await page.waitForURL(/index\.html/);
    await page.locator(`[data-program="${fx.programs.php}"]`).click();
    const section = page.locator('#clinician-trends');
    await section.getByLabel('Measure').selectOption('remission');
    await section.getByRole('button', { name: 'Show by clinician' }).click();
    const figure = section.locator('figure.trend');
    await figure.waitFor();
    expect(await figure.locator('figcaption').textContent()).toBe('Remission, PHQ-9, by month and clinician');
    expect((await figure.locator('.legend li').allTextContents()).map((t) => t.trim())).toEqual(['Tess Therapistpr1', 'Tess Therapistpr2']);
    await figure.getByText('Show the numbers as a table').click();
    expect(await figure.locator('table thead th').allTextContents()).toEqual(['Period', 'Tess Therapistpr1', 'Tess Therapistpr2']);
    const rows = figure.locator('table tbody tr');
    expect(await rows.count()).toBe(6);
    // This month (first of the month to today, whatever day that is): Ana has not remitted, Ben has.
    expect((await rows.nth(5).locator('td').allTextContents())).toEqual(['0 %', '100 %']);
    const csv = await downloadedText(page, () => section.getByRole('button', { name: 'Download CSV (every measure, by clinician)' }).click());
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Month,Start,End,Program,Clinician,Measure,Numerator,Denominator,Rate');
    expect(lines.length - 1).toBe(2 * 6 * 8); // two clinicians, six months, eight measures
    const today = dayFromToday(0);
    expect(lines).toContain(`${lines[lines.length - 1].split(',')[0]},${today.slice(0, 8)}01,${today},${(await env.server.http.get(`/fhir/HealthcareService/${fx.programs.php}`)).body.name},Tess Therapistpr2,remission,1,1,1`);
    await expectAccessible(page, 'outcomes by clinician');
    await figure.scrollIntoViewIfNeeded();
    await captureScreen(page, 'outcomes-dashboard-clinicians');
    expect(errors).toEqual([]);
    await context.close();
  });
});
