/**
 * The patient portal in a real browser: a patient signs in (standalone launch, our login and consent pages), sees
 * their upcoming sessions, fills in a PHQ-9 rendered from the stored Questionnaire, gets the server's score and a
 * progress chart; answering item 9 above "Not at all" shows the 988 crisis resources at once and raises a risk Flag.
 * In "Your privacy" a patient of a 42 CFR Part 2 program reads their consent and who received their records in plain
 * words, and revokes the consent, after which the payer no longer receives the records.
 * Issue 16: the crisis panel sits right under item 9 with one-tap tel:/sms: links to 988; sessions say where (address)
 * and how to join online; on a phone the answers are large touch targets and nothing overflows the screen; the page
 * opens under the patient's own context header (age, MRN, program, level of care, their active flags).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Consent, Flag, Observation, Parameters, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { createResource } from '../support/auth-fixtures';
import { expectAccessible } from '../support/accessibility-check';
import { captureScreen } from '../support/screenshots';
import { createLogin, describeInBrowser, E2E_TIME_ZONE, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createPart2Clinic, part2Consent } from '../support/part2-fixtures';
import { createFixture, dayFromToday, enroll, Fixture, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let patientLogin: string;
const ITEM_9 = '44260-8';
const DIFFICULTY = '69722-7'; // optional, unscored
const JOIN_URL = 'https://video.example.org/room/iop-morning';

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
  // The program meets at its site (with an address) and online (a virtual Location whose telecom is the room's URL).
  const site = (await env.server.http.get(`/fhir/Location/${fx.site}`)).body;
  await env.server.http.put(`/fhir/Location/${fx.site}`).set('Content-Type', 'application/fhir+json')
    .send({ ...site, address: { line: ['120 Main Street'], city: 'Springfield', state: 'IL', postalCode: '62701' } }).expect(200);
  const virtualRoom = await createResource(env.server, { resourceType: 'Location', status: 'active', name: 'Video room', mode: 'instance', telecom: [{ system: 'url', value: JOIN_URL }] });
  const program = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`)).body;
  await env.server.http.put(`/fhir/HealthcareService/${fx.programs.iop}`).set('Content-Type', 'application/fhir+json')
    .send({ ...program, location: [...program.location, { reference: `Location/${virtualRoom}` }] }).expect(200);
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
    await page.locator('#own-context').getByRole('heading', { name: 'Ana Rivera' }).waitFor();
    await page.locator('#sessions [data-appointment]').first().waitFor();
    expect(await page.locator('#sessions [data-appointment]').count()).toBeGreaterThanOrEqual(4);
    const firstSession = page.locator('#sessions [data-appointment]').first();
    expect(await firstSession.textContent()).toContain('120 Main Street, Springfield, IL, 62701');
    expect(await firstSession.getByRole('link', { name: 'Join online (Video room)' }).getAttribute('href')).toBe(JOIN_URL);
    await page.getByText('No scores yet.').first().waitFor();
    await expectAccessible(page, 'portal home');
    await captureScreen(page, 'patient-portal-home');

    await page.getByRole('button', { name: 'Start PHQ-9 (depression) check-in' }).click();
    await answerPhq9(page, 'More than half the days', 'Not at all');
    expect(await page.locator('[data-crisis]').count()).toBe(0);
    await expectAccessible(page, 'PHQ-9 form');
    await page.getByRole('button', { name: 'Submit check-in' }).click();
    await page.getByText('Your PHQ-9 (depression) score: 16').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/16 \(Moderately severe\)/);
    await page.locator('figure.score-chart circle.point').first().waitFor();
    expect(await page.locator('.chart-summary').first().textContent()).toMatch(/1 score, latest 16 \(Moderately severe\)/);
    expect(await page.locator('[data-crisis]').count()).toBe(0);

    const [response] = await search<QuestionnaireResponse>(`QuestionnaireResponse?patient=Patient/${fx.patients[0]}`);
    expect(response.questionnaire).toBe('http://iop-fhir.org/fhir/Questionnaire/phq-9');
    expect(response.status).toBe('completed');
    const [score] = await search<Observation>(`Observation?derived-from=QuestionnaireResponse/${response.id}`);
    expect(score.valueInteger).toBe(16);

    await page.getByRole('button', { name: 'Start PHQ-9 (depression) check-in' }).click();
    await answerPhq9(page, 'Several days', 'Several days');
    // Before submitting: the crisis resources appear as soon as item 9 is answered, right under item 9.
    const crisis = page.locator(`fieldset[data-link-id="${ITEM_9}"] + [data-crisis-slot] [data-crisis="answering"]`);
    await crisis.waitFor();
    expect(await crisis.getByRole('link', { name: 'Call 988' }).getAttribute('href')).toBe('tel:988');
    expect(await crisis.getByRole('link', { name: 'Text 988' }).getAttribute('href')).toBe('sms:988');
    expect(await crisis.getByRole('link', { name: 'call 911' }).getAttribute('href')).toBe('tel:911');
    const item9Box = (await page.locator(`fieldset[data-link-id="${ITEM_9}"]`).boundingBox())!;
    const panelBox = (await crisis.boundingBox())!;
    expect(panelBox.y - (item9Box.y + item9Box.height)).toBeLessThan(40);
    await expectAccessible(page, 'PHQ-9 with the crisis panel');
    await crisis.scrollIntoViewIfNeeded();
    await captureScreen(page, 'patient-portal-item-9-crisis-panel');
    await page.getByRole('button', { name: 'Submit check-in' }).click();
    await page.getByText('Your PHQ-9 (depression) score: 9').waitFor();
    await page.locator('#check-in [data-crisis="sent"]').getByText('Your care team has been alerted').waitFor();
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
    await page.locator('#own-context').getByRole('heading', { name: 'Ben Okafor' }).waitFor();
    await page.getByText('No scores yet.').first().waitFor();
    expect(await page.locator('figure.score-chart circle.point').count()).toBe(0);
    // Nor anyone else's consents or disclosures: this patient has none, and the privacy section says so.
    await page.locator('#consents').getByText('You have no consents on file.').waitFor();
    expect(await page.locator('[data-empty="disclosures"]').textContent()).toBe('Nothing has been disclosed: no one outside your program has received your protected records.');
    await expectAccessible(page, 'portal of a patient without scores or consents');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('the portal opens under the patient\'s own context: age, MRN, program, level of care and their own flags, instead of the bare banner', async () => {
    const program = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`).expect(200)).body.name as string;
    await createResource(env.server, {
      resourceType: 'Flag', status: 'active', subject: { reference: `Patient/${fx.patients[1]}` },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }], code: { text: 'Missed sessions' },
    });
    const login = await createLogin(env, `Patient/${fx.patients[1]}`);
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, login);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    const header = page.locator('#own-context .patient-context');
    await header.getByRole('heading', { name: 'Ben Okafor', level: 2 }).waitFor();
    expect(await header.locator('dl').textContent()).toMatch(new RegExp(`^Age\\d+ \\(born Feb 15, 1981\\)SexmaleMRN\\S+-1Program${program}Level of care\\S`));
    // Only this patient's flags (Ana's item-9 flag, raised in another test, is not theirs).
    expect(await header.locator('.badge.risk').allTextContents()).toEqual(['Missed sessions']);
    await page.locator('#patient-banner').waitFor({ state: 'hidden' });
    await expectAccessible(page, 'portal with the patient\'s own context');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('privacy: a Part 2 patient sees their consent and who received their records in plain words, and revokes the consent', async () => {
    const clinic = await createPart2Clinic(env.server);
    const payerName = (await env.server.http.get(`/fhir/Organization/${clinic.payer}`).expect(200)).body.name as string;
    const written = part2Consent(clinic.sudPatient, `Organization/${clinic.payer}`, ['HPAYMT', 'HOPERAT']);
    written.provision!.provision = [{ type: 'deny', class: [{ system: 'http://hl7.org/fhir/resource-types', code: 'Condition' }] }];
    const consentId = await createResource(env.server, written);
    // The payer reads the claim, then searches with the visit included: two disclosures, the search the newer.
    const payer = await env.server.as('system/*.rs', { clientId: clinic.payerClient });
    expect((await payer.get(`/fhir/Claim/${clinic.sud.claim}`)).status).toBe(200);
    expect((await payer.get(`/fhir/Claim?patient=${clinic.sudPatient}&_include=Claim:encounter`)).status).toBe(200);
    const accounting = (await env.server.http.get(`/fhir/Patient/${clinic.sudPatient}/$disclosures`).expect(200)).body as Parameters;
    const instants = accounting.parameter!.map((d) => d.part!.find((p) => p.name === 'date')!.valueInstant!);
    expect(instants).toHaveLength(2);
    // What the browser (en-US, the e2e time zone) shows for an instant, whatever zone this machine is in.
    const spaces = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
    const shown = (instant: string) => spaces(`${new Date(instant).toLocaleDateString('en-US', { timeZone: E2E_TIME_ZONE, year: 'numeric', month: 'short', day: 'numeric' })} ${new Date(instant).toLocaleTimeString('en-US', { timeZone: E2E_TIME_ZONE, hour: '2-digit', minute: '2-digit' })}`);

    const login = await createLogin(env, `Patient/${clinic.sudPatient}`);
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, login);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.getByRole('navigation', { name: 'On this page' }).getByRole('link', { name: 'Your privacy' }).click();
    await page.getByRole('heading', { name: 'Your privacy', level: 2 }).waitFor();

    const consent = page.locator(`#consents [data-consent="${consentId}"]`);
    await consent.waitFor();
    expect(await consent.getByRole('heading', { level: 4 }).textContent()).toBe(`Sharing with ${payerName}`);
    const facts = spaces(await consent.locator('dl').textContent());
    expect(facts).toContain('StatusActive');
    expect(facts).toContain('Forpayment (billing your health plan) and health care operations');
    expect(facts).toContain('Not shareddiagnoses');
    expect(facts).toContain('FromJan 5, 2026');
    expect(facts).toContain('Untilyou revoke it');

    const rows = page.locator('#disclosures tbody tr');
    await rows.nth(1).waitFor();
    const cells = async (row: number) => (await rows.nth(row).locator('td').allTextContents()).map(spaces);
    expect(await cells(0)).toEqual([shown(instants[0]), payerName, 'payment (billing your health plan)', 'Your consent of Jan 5, 2026', '1 claim, 1 visit']);
    expect(await cells(1)).toEqual([shown(instants[1]), payerName, 'payment (billing your health plan)', 'Your consent of Jan 5, 2026', '1 claim']);
    // No references, codes or scope jargon anywhere in the section.
    expect(await page.locator('#privacy').textContent()).not.toMatch(/Organization\/|Consent\/|Claim\/|HPAYMT|HOPERAT|patient-privacy|IRCP|\d{4}-\d{2}-\d{2}/);
    await expectAccessible(page, 'privacy section');

    // Meanwhile the care team updates the consent: the portal's copy is stale, so its revocation is refused (412).
    const current = (await env.server.http.get(`/fhir/Consent/${consentId}`).expect(200)).body as Consent;
    await env.server.http.put(`/fhir/Consent/${consentId}`).send({ ...current, identifier: [{ system: 'urn:test', value: 'scanned-form-17' }] }).expect(200);

    const revoke = consent.getByRole('button', { name: `Revoke consent for ${payerName}` });
    await revoke.click();
    const question = `Revoke your consent for ${payerName}?`;
    const confirmation = page.getByRole('group', { name: question });
    await page.waitForFunction((text) => document.activeElement?.textContent === text, question);
    expect(spaces(await confirmation.textContent())).toContain(`From now on, ${payerName} will no longer receive your records from your program for payment (billing your health plan) and health care operations.`);
    expect(await confirmation.textContent()).toContain('already shared before you revoke cannot be recalled');
    await confirmation.getByRole('button', { name: 'Keep my consent' }).click();
    expect(await confirmation.count()).toBe(0);
    expect(await revoke.evaluate((button) => button === document.activeElement)).toBe(true);

    await revoke.click();
    await page.waitForFunction((text) => document.activeElement?.textContent === text, question);
    await page.keyboard.press('Tab'); // from the question to "Yes, revoke my consent"
    await page.keyboard.press('Enter');
    const status = page.locator('#status');
    await status.getByText('Your consent changed since this page was loaded').waitFor();
    expect(await status.textContent()).toContain('Version conflict'); // the server's OperationOutcome text
    expect(((await env.server.http.get(`/fhir/Consent/${consentId}`).expect(200)).body as Consent).status).toBe('active');

    // The list was reloaded with the current version: now the revocation goes through.
    await revoke.click();
    await confirmation.getByRole('button', { name: 'Yes, revoke my consent' }).click();
    await status.getByText(`You revoked your consent for ${payerName}`).waitFor();
    await consent.locator('[data-status="inactive"]').waitFor();
    expect(spaces(await consent.locator('dl').textContent())).toContain('StatusRevoked');
    expect(await consent.getByRole('button').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.id === 'consents-heading'); // the revoke button is gone
    await page.getByRole('cell', { name: 'Your consent of Jan 5, 2026 (since revoked)' }).first().waitFor();
    expect(errors.filter((e) => !/status of 412/.test(e))).toEqual([]);
    await context.close();

    const revoked = (await env.server.http.get(`/fhir/Consent/${consentId}`).expect(200)).body as Consent;
    expect(revoked.status).toBe('inactive');
    expect(revoked.meta!.versionId).toBe('3');
    const { meta: _m1, status: _s1, ...kept } = revoked;
    const { meta: _m2, status: _s2, ...before } = { ...current, identifier: [{ system: 'urn:test', value: 'scanned-form-17' }] };
    expect(kept).toEqual(before); // everything else as it was read
    expect((await payer.get(`/fhir/Claim/${clinic.sud.claim}`)).status).toBe(404);
  });

  test('privacy, signed in as a family member: a note where the disclosures would be, until the patient\'s consent names them for power of attorney', async () => {
    const clinic = await createPart2Clinic(env.server);
    const proxyId = await createResource(env.server, {
      resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${clinic.sudPatient}` }, name: [{ given: ['Lena'], family: 'Marsh' }],
    });
    const login = await createLogin(env, `RelatedPerson/${proxyId}`);
    const openPrivacy = async () => {
      const opened = await newPage(env);
      await opened.page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
      await signIn(opened.page, login);
      await opened.page.waitForURL(/\/apps\/patient-portal\/index\.html/);
      await opened.page.getByRole('heading', { name: 'Your privacy', level: 2 }).waitFor();
      return opened;
    };

    const family = await openPrivacy();
    const note = family.page.locator('#disclosures [data-proxy-note="disclosures"]');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^This list is for the patient\. If you act for them under a power of attorney/);
    await expectAccessible(family.page, 'privacy section of a family member');
    expect(family.errors).toEqual([]); // no refused request behind the note
    await family.context.close();

    // The patient's consent names them for power of attorney: now they see the list (or that nothing was disclosed).
    await createResource(env.server, part2Consent(clinic.sudPatient, `RelatedPerson/${proxyId}`, ['PWATRNY']));
    const representative = await openPrivacy();
    await representative.page.locator('#disclosures table, #disclosures [data-empty="disclosures"]').first().waitFor();
    expect(await representative.page.locator('[data-proxy-note]').count()).toBe(0);
    expect(representative.errors).toEqual([]);
    await representative.context.close();
  });

  test('opening the app page without signing in offers the sign-in instead of failing', async () => {
    const { page, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/index.html`);
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('launch.html');
    await expectAccessible(page, 'sign-in offer');
    await context.close();
  });
  test('on a phone: the answers are large touch targets and nothing runs off the screen', async () => {
    const { page, errors, context } = await newPage(env, { viewport: { width: 375, height: 740 }, isMobile: true });
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, patientLogin);
    await page.waitForURL(/index\.html/);
    await page.locator('#sessions [data-appointment]').first().waitFor();
    await page.getByRole('button', { name: 'Start PHQ-9 (depression) check-in' }).click();
    await page.locator('fieldset[data-link-id]').first().waitFor();
    const targets = await page.locator('label.choice').evaluateAll((labels) => labels.map((l) => l.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })));
    expect(targets.length).toBeGreaterThanOrEqual(36);
    for (const target of targets) {
      expect(target.height).toBeGreaterThanOrEqual(44); // WCAG 2.5.5 target size
      expect(target.width).toBeGreaterThanOrEqual(280);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible(page, 'PHQ-9 on a phone');
    await captureScreen(page, 'patient-portal-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
