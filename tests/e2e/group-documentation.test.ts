/**
 * Group documentation in a real browser: a clinician opens the app from our launcher (standalone launch), signs in
 * on our login and consent pages, records a session's attendance, writes the group note with member sections and
 * signs it — then the server holds the Encounters, final Compositions and Provenance. Also: an EHR launch through
 * POST /auth/launch opens the named session directly, and a server refusal is shown as its OperationOutcome text.
 * Issue 16: attendance is marked explicitly, an excused absence stays on the recorded roster and its note carries
 * the member's name, the signing summary names members, drafts can be edited, signed notes collapse, the day list
 * says what needs documenting and follows each step, and times are on the program's clock with its zone; an open
 * note sits under its member's patient-context header (age, MRN, program, level of care, risk flags); a session whose
 * members have insurance is billed when signed, and the day list says "Signed · billed".
 */
import type { Bundle, Claim, Composition, Encounter, Provenance } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { createResource } from '../support/auth-fixtures';
import { mintToken } from '../support/auth-tokens';
import { expectAccessible } from '../support/accessibility-check';
import { captureScreen } from '../support/screenshots';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, output, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let clinician: string;
let pastSession: string;
let futureSession: string;
let excusedSession: string;
let zoneSession: string;
const PAST_DAY = dayFromToday(-1);
const FUTURE_DAY = dayFromToday(2);
const EXCUSED_DAY = dayFromToday(-3);
const ZONE_DAY = dayFromToday(-5);

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
  // The program states its zone (the standard timezone extension), as a program should for its apps to read.
  const program = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`)).body;
  program.extension = [...(program.extension ?? []), { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/Chicago' }];
  expect((await env.server.http.put(`/fhir/HealthcareService/${fx.programs.iop}`).set('Content-Type', 'application/fhir+json').send(program)).status).toBe(200);
  pastSession = await scheduleOne(PAST_DAY);
  futureSession = await scheduleOne(FUTURE_DAY);
  excusedSession = await scheduleOne(EXCUSED_DAY);
  zoneSession = await scheduleOne(ZONE_DAY);
  clinician = await createLogin(env, `Practitioner/${fx.practitioners[0]}`);
  await createResource(env.server, {
    resourceType: 'Flag', status: 'active', subject: { reference: `Patient/${fx.patients[0]}` },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }], code: { text: 'Suicide risk' },
  });
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
    await expectAccessible(page, 'attendance form');
    await captureScreen(page, 'group-documentation-attendance');
    await page.getByLabel('Attendance of Ana Rivera').selectOption('present');
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
    await page.locator(`[data-session="${pastSession}"] [data-state="drafts-to-sign"]`).waitFor(); // the day list has caught up
    await expectAccessible(page, 'draft notes');
    await captureScreen(page, 'group-documentation-drafts');

    const notes = page.locator('[data-note]');
    await notes.first().waitFor();
    expect(await notes.count()).toBe(3);
    const anaNote = notes.filter({ hasText: 'Ana Rivera — draft' });
    const anaText = await anaNote.textContent();
    expect(anaText).toContain('Cognitive restructuring');
    expect(anaText).toContain('Ana challenged a thought');
    expect(anaText).not.toMatch(/Ben|Okafor|Cara|Lindqvist/);
    expect(await notes.filter({ hasText: 'Cara Lindqvist — draft' }).textContent()).not.toMatch(/Cognitive restructuring|Ana|Ben/);
    // Each open note sits under its member's context: age, MRN, program, level of care, and that member's flags only.
    const anaContext = anaNote.locator('.patient-context');
    expect(await anaContext.getByRole('heading', { level: 3 }).textContent()).toBe('Ana Rivera');
    const anaFacts = await anaContext.locator('dl').textContent();
    expect(anaFacts).toMatch(/^Age\d+ \(born Jan 15, 1980\)SexfemaleMRN\S+-0ProgramMH IOP \S+Level of care\S/);
    expect(await anaContext.locator('.badge.risk').allTextContents()).toContain('Suicide risk');
    const benContext = notes.filter({ hasText: 'Ben Okafor — draft' }).locator('.patient-context');
    expect(await benContext.locator('dl').textContent()).toMatch(/MRN\S+-1Program/);
    expect(await benContext.locator('.badge.risk').allTextContents()).not.toContain('Suicide risk');

    await page.getByRole('button', { name: 'Sign 3 notes' }).click();
    await page.getByText('3 notes signed').waitFor();
    await page.getByText('All notes are signed.').waitFor();
    await page.locator(`[data-session="${pastSession}"] [data-state="signed"]`).waitFor();
    await expectAccessible(page, 'signed notes');
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
    for (const name of ['Ana Rivera', 'Ben Okafor', 'Cara Lindqvist']) await page.getByLabel(`Attendance of ${name}`).selectOption('present');
    await page.getByRole('button', { name: 'Record attendance' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Attendance was not recorded.*attendance is recorded once it has started/s);
    await expectAccessible(page, 'a refusal shown');
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
    await expectAccessible(page, 'session opened by an EHR launch');
    expect(errors).toEqual([]);
    await context.close();
  });
  test('explicit marking; an excused absence stays on the roster and is named in its note and in the billing summary; drafts edited; signed notes collapsed; the day list follows each step', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
    await signIn(page, clinician);
    await page.waitForURL(/index\.html/);
    await page.getByLabel('Day').fill(EXCUSED_DAY);
    const listed = page.locator(`[data-session="${excusedSession}"]`);
    await listed.locator('[data-state="attendance-due"]').waitFor();
    expect(await page.locator('[data-summary="documentation"]').textContent()).toBe('1 of 1 session needs documentation.');
    await expectAccessible(page, 'day list');
    await listed.click();
    await page.locator('#session-heading').waitFor();

    // Nobody is marked until the clinician marks them: recording with unmarked members is refused in the app.
    expect(await page.getByLabel('Attendance of Ana Rivera').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Record attendance' }).click();
    await page.getByRole('alert').getByText('Not marked yet: Ana Rivera, Ben Okafor, Cara Lindqvist').waitFor();
    expect(await search<Encounter>(`Encounter?appointment=Appointment/${excusedSession}`)).toHaveLength(0);

    await page.getByLabel('Attendance of Ana Rivera').selectOption('present');
    await page.getByLabel('Attendance of Ben Okafor').selectOption('present');
    await page.getByLabel('Attendance of Cara Lindqvist').selectOption('absent-excused');
    await page.getByLabel('Absence reason for Cara Lindqvist').selectOption('illness');
    await page.getByRole('button', { name: 'Record attendance' }).click();
    await page.getByText('Attendance recorded').waitFor();
    const recorded = page.locator('[data-recorded-attendance]');
    await recorded.waitFor();
    expect(await recorded.locator(`tr[data-patient="${fx.patients[2]}"]`).textContent()).toContain('Cara Lindqvist' + 'Absent (excused)');
    await listed.locator('[data-state="notes-due"]').waitFor();

    await page.getByLabel('Topic', { exact: true }).fill('Sleep hygiene');
    await page.getByLabel('Interventions', { exact: true }).fill('Psychoeducation, sleep diary');
    await page.locator(`fieldset[data-patient="${fx.patients[0]}"]`).getByLabel('Progress and observations').fill('Ana keeps a sleep diary.');
    await page.locator(`fieldset[data-patient="${fx.patients[1]}"]`).getByLabel('Progress and observations').fill('Engaged throughout.');
    await page.getByRole('button', { name: 'Write notes' }).click();
    await page.getByText('3 draft notes written').waitFor();
    await page.locator('[data-note]').filter({ hasText: 'Cara Lindqvist — draft' }).waitFor();
    expect(await page.locator('#session-detail').textContent()).not.toMatch(/Patient\//);
    await listed.locator('[data-state="drafts-to-sign"]').waitFor();

    // A draft is edited where it is read, and the change is what the server keeps.
    await page.getByRole('button', { name: 'Edit note of Ana Rivera' }).click();
    const editor = page.locator('form.note-editor');
    const values = await editor.locator('textarea').evaluateAll((areas) => areas.map((a) => (a as HTMLTextAreaElement).value));
    const memberArea = editor.locator('textarea').nth(values.findIndex((v) => v.includes('Ana keeps a sleep diary.')));
    await memberArea.fill((await memberArea.inputValue()).replace('Ana keeps a sleep diary.', 'Ana keeps a sleep diary and naps less.'));
    await expectAccessible(page, 'draft editor');
    await editor.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft note of Ana Rivera saved').waitFor();
    const savedNote = page.locator('[data-note]').filter({ hasText: 'naps less' });
    await savedNote.waitFor();
    // The note this session shows, read by its id: Ana may have other drafts (another session's), in any order.
    const anaNote = (await env.server.http.get(`/fhir/Composition/${await savedNote.getAttribute('data-note')}`)).body as Composition;
    expect(anaNote.subject?.reference).toBe(`Patient/${fx.patients[0]}`);
    expect(anaNote.status).toBe('preliminary');
    expect(JSON.stringify(anaNote.section)).toContain('naps less');

    await page.getByRole('button', { name: 'Sign 3 notes' }).click();
    await page.getByText('3 notes signed').waitFor();
    // The billing report names members, never references or reason codes.
    const report = await page.locator('#status').textContent();
    expect(report).toContain('Cara Lindqvist: no claim, the patient did not attend (excused absence)');
    expect(report).not.toMatch(/Patient\/|Encounter\/|\(below-minimum-time\)/);
    // The day list follows without a reload, and the signed notes are one line each.
    await listed.locator('[data-state="signed"], [data-state="billed"]').first().waitFor();
    expect(await page.locator('[data-summary="documentation"]').textContent()).toBe('Nothing left to document on this day.');
    await page.getByText('All notes are signed.').waitFor();
    expect(await page.locator('details.note[open]').count()).toBe(0);
    expect(await page.locator('[data-note]').filter({ hasText: 'Cara Lindqvist — signed' }).count()).toBe(1);
    expect(await page.locator('.patient-context').first().isVisible()).toBe(false); // collapsed notes show no header
    const notesHeight = await page.locator('section[aria-labelledby="notes-heading"]').evaluate((e) => e.getBoundingClientRect().height);
    expect(notesHeight).toBeLessThan(400);
    await expectAccessible(page, 'signed session');
    await captureScreen(page, 'group-documentation-signed');
    // Opening one signed note shows whose it is, as the header above it.
    const caraNote = page.locator('[data-note]').filter({ hasText: 'Cara Lindqvist — signed' });
    await caraNote.locator('summary').click();
    const caraContext = caraNote.locator('.patient-context');
    await caraContext.waitFor();
    expect(await caraContext.locator('dl').textContent()).toMatch(/MRN\S+-2ProgramMH IOP/);
    expect(await page.locator('.patient-context:visible').count()).toBe(1);
    await expectAccessible(page, 'a signed note opened');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('session times are on the program\'s clock with its zone, whatever the browser\'s zone', async () => {
    const { page, errors, context } = await newPage(env, { timezoneId: 'Asia/Tokyo' });
    await page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
    await signIn(page, clinician);
    await page.waitForURL(/index\.html/);
    await page.getByLabel('Day').fill(ZONE_DAY);
    const listed = page.locator(`[data-session="${zoneSession}"]`);
    await listed.waitFor();
    expect(await listed.locator('.session-time').textContent()).toMatch(/^09:00 AM–12:00 PM C[DS]T$/);
    await listed.click();
    expect(await page.locator('#session-heading').textContent()).toMatch(/09:00 AM–12:00 PM C[DS]T/);
    await expectAccessible(page, 'attendance form in another zone');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('members with insurance: signing writes their claims and the day list says "Signed · billed"', async () => {
    // An organisation of its own whose patients each have a commercial Coverage, so $sign bills the attended day.
    const insured = await createFixture(env.server, { patients: 2, payerClasses: ['commercial'] });
    expect(insured.coverages).toHaveLength(2);
    await createResource(env.server, {
      resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${insured.practitioners[0]}` },
      organization: { reference: `Organization/${insured.org}` }, healthcareService: [{ reference: `HealthcareService/${insured.programs.iop}` }],
    });
    for (const patient of insured.patients) expect((await enroll(env.server, insured.programs.iop, patient, dayFromToday(-20))).status).toBe(201);
    const day = dayFromToday(-2);
    const scheduled = await schedule(env.server, insured.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: day, to: day, facilitators: [insured.practitioners[0]] });
    expect(scheduled.status).toBe(200);
    const session = output(scheduled.body, 'session')!.valueReference!.reference!.split('/')[1];
    const therapist = await createLogin(env, `Practitioner/${insured.practitioners[0]}`);

    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
    await signIn(page, therapist);
    await page.waitForURL(/index\.html/);
    await openDay(page, day, session);
    for (const name of ['Ana Rivera', 'Ben Okafor']) await page.getByLabel(`Attendance of ${name}`).selectOption('present');
    await page.getByRole('button', { name: 'Record attendance' }).click();
    await page.getByText('Attendance recorded').waitFor();
    await page.getByLabel('Topic', { exact: true }).fill('Relapse prevention');
    await page.getByLabel('Interventions', { exact: true }).fill('Warning-sign review');
    await page.getByRole('button', { name: 'Write notes' }).click();
    await page.getByText('2 draft notes written').waitFor();
    await page.getByRole('button', { name: 'Sign 2 notes' }).click();
    await page.getByText('2 notes signed').waitFor();
    expect(await page.locator('#status').textContent()).toContain('2 claims written or extended');
    const badge = page.locator(`[data-session="${session}"] [data-state="billed"]`);
    await badge.waitFor();
    expect(await badge.textContent()).toBe('Signed · billed');
    expect(await page.locator('[data-summary="documentation"]').textContent()).toBe('Nothing left to document on this day.');
    await expectAccessible(page, 'a billed session');
    expect(errors).toEqual([]);
    await context.close();

    const claims = await search<Claim>(`Claim?patient=${insured.patients.map((p) => `Patient/${p}`).join(',')}`);
    expect(claims.map((c) => c.patient.reference).sort()).toEqual(insured.patients.map((p) => `Patient/${p}`).sort());
    expect(claims.every((c) => c.insurance?.[0]?.coverage.reference?.startsWith('Coverage/'))).toBe(true);
  });
});
