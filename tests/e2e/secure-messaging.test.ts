/**
 * Issue 15 in a real browser: a patient reads who is on their care team and writes to it from the portal; the
 * clinician finds the message in the group documentation app's inbox — after a message that raised the self-harm
 * risk workflow, which always comes first — opens it (marking it read) and replies, asking for an answer; the patient
 * reads the reply and answers in the thread, which completes the request.
 */
import type { Communication } from '@medplum/fhirtypes';
import { expectAccessible } from '../support/accessibility-check';
import { captureScreen } from '../support/screenshots';
import { createResource } from '../support/auth-fixtures';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, instantFromNow, searchResources } from '../integration/iop-fixtures';
import type { CareTeam } from '@medplum/fhirtypes';

let env: E2eEnvironment;
let fx: Fixture;
let patientLogin: string;
let clinicianLogin: string;

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 2 });
  for (const [practitioner, text] of [[fx.practitioners[0], 'Therapist'], [fx.practitioners[1], 'Psychiatrist']]) {
    await createResource(env.server, {
      resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${practitioner}` },
      organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }], code: [{ text }],
    });
  }
  for (const patient of fx.patients) {
    expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-10), [{ name: 'careManager', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }])).status).toBe(201);
  }
  // Ben wrote earlier, mentioning self-harm: the server raised the risk Flag and Task for that message.
  const [benTeam] = await searchResources<CareTeam>(env.server, `CareTeam?subject=Patient/${fx.patients[1]}`);
  const earlier = await env.server.http.post('/fhir/Communication').set('Content-Type', 'application/fhir+json').send({
    resourceType: 'Communication', status: 'completed', subject: { reference: `Patient/${fx.patients[1]}` }, about: [{ reference: `CareTeam/${benTeam.id}` }],
    sender: { reference: `Patient/${fx.patients[1]}` }, recipient: [{ reference: `Practitioner/${fx.practitioners[0]}` }], sent: instantFromNow(-1).toISOString(),
    topic: { text: 'Bad night' }, payload: [{ contentString: 'Last night I kept thinking I want to die.' }],
  } satisfies Communication);
  expect(earlier.status).toBe(201);
  patientLogin = await createLogin(env, `Patient/${fx.patients[0]}`);
  clinicianLogin = await createLogin(env, `Practitioner/${fx.practitioners[0]}`);
}, 90_000);
afterAll(() => env?.close());

describeInBrowser('secure messaging', () => {
  test('a patient writes to their care team in the portal; the clinician sees it in the inbox, after the risk message, and replies', async () => {
    const portal = await newPage(env);
    await portal.page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(portal.page, patientLogin);
    await portal.page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    const team = portal.page.locator('#care-team');
    await team.getByRole('heading', { name: /care team$/ }).waitFor();
    expect(await team.textContent()).toContain('Tess Therapistpr1 — Care manager, Therapist');
    expect(await team.textContent()).toContain('Tess Therapistpr2 — Psychiatrist');
    const form = portal.page.locator('#new-message');
    await form.getByLabel('Subject').fill('Thursday session');
    await form.getByLabel('Message', { exact: true }).fill('Can I join by video on Thursday?');
    await form.getByLabel('Attachment (optional)').setInputFiles({ name: 'work-schedule.txt', mimeType: 'text/plain', buffer: Buffer.from('Thursday: 8-16 at work') });
    await form.getByRole('button', { name: 'Send message' }).click();
    await portal.page.getByText('Your message was sent to your care team.').waitFor();
    await portal.page.locator('#threads').getByRole('button', { name: /Thursday session/ }).waitFor();
    await expectAccessible(portal.page, 'portal messages');
    await portal.page.evaluate(() => document.getElementById('messages')?.scrollIntoView({ block: 'start' }));
    await captureScreen(portal.page, 'patient-portal-messages');
    expect(portal.errors).toEqual([]);

    const clinic = await newPage(env);
    await clinic.page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
    await signIn(clinic.page, clinicianLogin);
    await clinic.page.waitForURL(/\/apps\/group-documentation\/index\.html/);
    const inbox = clinic.page.locator('#inbox-list');
    await inbox.locator('[data-message]').nth(1).waitFor();
    const rows = await inbox.locator('[data-message]').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^Risk: mentions self-harm.*Ben Okafor · Bad night/);
    expect(rows[1]).toMatch(/^Unread.*Ana Rivera · Thursday session/);
    await clinic.page.locator('#compose-message').getByLabel('Patient').waitFor();
    await expectAccessible(clinic.page, 'clinician inbox');
    await clinic.page.evaluate(() => document.getElementById('inbox')?.scrollIntoView({ block: 'start' }));
    await captureScreen(clinic.page, 'group-documentation-inbox');

    await inbox.getByRole('button', { name: /Ana Rivera · Thursday session/ }).click();
    const detail = clinic.page.locator('#inbox-detail');
    await detail.getByText('Can I join by video on Thursday?').waitFor();
    expect(await detail.getByRole('link', { name: /Download work-schedule\.txt/ }).getAttribute('download')).toBe('work-schedule.txt');
    expect(await detail.locator('[data-care-team]').textContent()).toContain('Tess Therapistpr2 (Psychiatrist)');
    await detail.getByLabel('Reply to the patient').fill('Yes, the video link is on your sessions list.');
    await detail.getByLabel('Ask the patient to reply').check();
    await detail.getByRole('button', { name: 'Send reply' }).click();
    await clinic.page.getByText('Your reply was sent, asking the patient to answer.').waitFor();
    await expectAccessible(clinic.page, 'inbox after a reply');
    // A new conversation with a patient on one of the clinician's teams.
    const compose = clinic.page.locator('#compose-message');
    await compose.getByLabel('Patient').selectOption({ label: 'Ben Okafor' });
    await compose.getByLabel('Subject').fill('After last night');
    await compose.getByLabel('Message', { exact: true }).fill('I will call you at 10 today. Please keep the 988 number close.');
    await compose.getByRole('button', { name: 'Send message' }).click();
    await clinic.page.getByText('Your message was sent to Ben Okafor.').waitFor();
    const [toBen] = await searchResources<Communication>(env.server, `Communication?sender=Practitioner/${fx.practitioners[0]}&subject=Patient/${fx.patients[1]}`);
    expect([toBen.topic?.text, toBen.recipient]).toEqual(['After last night', [{ reference: `Patient/${fx.patients[1]}` }]]);
    // Opened: no longer unread for this clinician (their read receipt is on the message).
    await inbox.getByRole('button', { name: /Ana Rivera · Thursday session/ }).waitFor();
    expect(await inbox.getByRole('button', { name: /Ana Rivera · Thursday session/ }).textContent()).not.toContain('Unread');
    expect(clinic.errors).toEqual([]);

    await portal.page.reload();
    const thread = portal.page.locator('#threads').getByRole('button', { name: /Thursday session/ });
    await thread.waitFor();
    expect(await thread.textContent()).toContain('1 unread');
    expect(await thread.textContent()).toContain('Reply requested');
    await thread.click();
    await portal.page.getByText('Yes, the video link is on your sessions list.').waitFor();
    await expectAccessible(portal.page, 'portal thread');
    // Answering in the thread completes the clinician's "please reply" request.
    await portal.page.getByLabel('Your reply').fill('Great, thank you!');
    await portal.page.getByRole('button', { name: 'Send reply' }).click();
    await portal.page.getByText('Your reply was sent.').waitFor();
    await portal.page.getByText('Great, thank you!').waitFor();
    expect(await portal.page.locator('#threads').getByRole('button', { name: /Thursday session/ }).textContent()).not.toContain('Reply requested');
    expect(portal.errors).toEqual([]);
    await portal.context.close();
    await clinic.context.close();
  }, 120_000);

  test('a family member linked to the patient (RelatedPerson) joins the team and writes from the portal as themselves', async () => {
    const proxyId = await createResource(env.server, {
      resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${fx.patients[0]}` }, name: [{ given: ['Rosa'], family: 'Rivera' }],
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH', display: 'mother' }] }],
    });
    const proxyLogin = await createLogin(env, `RelatedPerson/${proxyId}`);
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, proxyLogin);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.locator('#care-team').getByText('Rosa Rivera').waitFor();
    expect(await page.locator('#care-team').textContent()).toContain('Rosa Rivera — Family member (mother)');
    const form = page.locator('#new-message');
    await form.getByLabel('Subject').fill('Running late');
    await form.getByLabel('Message', { exact: true }).fill('Ana is on her way, about ten minutes late.');
    await form.getByRole('button', { name: 'Send message' }).click();
    await page.getByText('Your message was sent to your care team.').waitFor();
    await expectAccessible(page, 'portal messages of a family member');
    const [sent] = await searchResources<Communication>(env.server, `Communication?sender=RelatedPerson/${proxyId}`);
    expect([sent.subject?.reference, sent.topic?.text]).toEqual([`Patient/${fx.patients[0]}`, 'Running late']);
    expect(sent.recipient?.map((r) => r.reference).sort()).toEqual([`Practitioner/${fx.practitioners[0]}`, `Practitioner/${fx.practitioners[1]}`].sort());
    expect(errors).toEqual([]); // the privacy section no longer asks for $disclosures it would be refused
    await context.close();
  }, 120_000);
});
