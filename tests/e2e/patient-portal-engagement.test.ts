/**
 * Issue 15 in the patient portal, in a real browser: a virtual session shows "Join" with its own join link (the
 * session Appointment's virtual-service extension, copied from its program); the patient's medication list; the
 * patient reads material their clinician assigned and the read receipt completes the Task; a discharged patient answers
 * the satisfaction survey the portal offers, and it appears in the program's outcome report in the dashboard.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EpisodeOfCare, Extension, Task } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { storeEducationLibrary } from '../../server/src/conformance/education-library';
import { createRepository } from '../../server/src/create-repository';
import { expectAccessible } from '../support/accessibility-check';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, invoke, IOP, output, params, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let patientLogin: string;
let readingTask: string;
let dischargedLogin: string;
let managerLogin: string;
const JOIN_URL = 'https://video.example.org/rooms/evening-dbt';
const virtualService: Extension = {
  url: `${IOP}/StructureDefinition/virtual-service`,
  extension: [
    { url: 'channel', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'VIDEOCONF' } },
    { url: 'address', valueUrl: JOIN_URL },
    { url: 'platform', valueString: 'Example Video' },
  ],
};

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 2 });
  const program = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`)).body;
  await env.server.http.put(`/fhir/HealthcareService/${fx.programs.iop}`).set('Content-Type', 'application/fhir+json')
    .send({ ...program, extension: [...program.extension, virtualService] }).expect(200);
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-10))).status).toBe(201);
  const scheduled = await schedule(env.server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '18:00', minutes: 180, from: dayFromToday(2), to: dayFromToday(4), facilitators: [fx.practitioners[0]] });
  expect(scheduled.status).toBe(200);
  await env.server.http.post('/fhir/MedicationRequest').set('Content-Type', 'application/fhir+json').send({
    resourceType: 'MedicationRequest', meta: { profile: [`${IOP}/StructureDefinition/iop-medication-request`] },
    extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${fx.programs.iop}` } }],
    status: 'active', intent: 'order', subject: { reference: `Patient/${fx.patients[0]}` }, authoredOn: new Date().toISOString(),
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '36437', display: 'sertraline' }], text: 'Sertraline 50 mg tablet' },
    requester: { reference: `Practitioner/${fx.practitioners[2]}` }, dosageInstruction: [{ text: '50 mg by mouth once daily' }],
  }).expect(201);
  await storeEducationLibrary(createRepository(env.server.pool));
  const assigned = await invoke(env.server, 'DocumentReference/$assign-education', params(
    { name: 'material', valueReference: { reference: 'DocumentReference/education-sleep' } },
    { name: 'patient', valueReference: { reference: `Patient/${fx.patients[0]}` } },
    { name: 'requester', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } },
    { name: 'note', valueString: 'Keep the sleep diary for two weeks.' },
  ));
  expect(assigned.status).toBe(200);
  readingTask = output(assigned.body, 'task')!.valueReference!.reference!;
  patientLogin = await createLogin(env, `Patient/${fx.patients[0]}`);

  // Ben was discharged yesterday; the program manager reads the program's outcome report.
  const survey = JSON.parse(readFileSync(path.join(__dirname, '../../profiles/questionnaires/Questionnaire-mhsip-satisfaction.json'), 'utf8'));
  await env.server.http.put('/fhir/Questionnaire/mhsip-satisfaction').set('Content-Type', 'application/fhir+json').send(survey).expect((r) => expect(r.status).toBeLessThan(300));
  const episodes = await env.server.http.get(`/fhir/EpisodeOfCare?patient=Patient/${fx.patients[1]}`);
  const episode = episodes.body.entry[0].resource as EpisodeOfCare;
  await env.server.http.put(`/fhir/EpisodeOfCare/${episode.id}`).set('Content-Type', 'application/fhir+json').send({
    ...episode, status: 'finished', period: { ...episode.period, end: dayFromToday(-1) },
    extension: [...(episode.extension ?? []), { url: `${IOP}/StructureDefinition/discharge-reason`, valueCodeableConcept: { coding: [{ system: `${IOP}/CodeSystem/discharge-reason`, code: 'completed' }] } }],
  }).expect(200);
  dischargedLogin = await createLogin(env, `Patient/${fx.patients[1]}`);
  await createResource(env.server, {
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${fx.practitioners[1]}` },
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }],
  });
  managerLogin = await createLogin(env, `Practitioner/${fx.practitioners[1]}`);
}, 90_000);
afterAll(() => env?.close());

describeInBrowser('patient portal: engagement', () => {
  test('an upcoming virtual session shows Join with its own link and platform; the medication list shows the prescription', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, patientLogin);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.locator('#sessions [data-appointment]').first().waitFor();
    expect(await page.locator('#sessions [data-appointment]').count()).toBe(3);
    const first = page.locator('#sessions [data-appointment]').first();
    expect(await first.getByRole('link', { name: 'Join video session' }).getAttribute('href')).toBe(JOIN_URL);
    expect(await first.textContent()).toContain('Example Video');
    const medication = page.locator('#medications [data-medication]');
    await medication.first().waitFor();
    expect(await medication.count()).toBe(1);
    expect(await medication.first().textContent()).toContain('Sertraline 50 mg tablet — 50 mg by mouth once daily');
    await expectAccessible(page, 'portal with a virtual session and medications');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a patient reads material their clinician assigned, and saying so completes the reading Task', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, patientLogin);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    const item = page.locator('#reading [data-task]');
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.first().textContent()).toContain('Keep the sleep diary for two weeks.');
    expect(await item.first().getAttribute('data-status')).toBe('requested');
    await item.first().getByRole('button', { name: 'Read Sleep: habits that help your mood and recovery' }).click();
    await item.first().getByText('Keep the same wake-up time every day').waitFor();
    await expectAccessible(page, 'portal with assigned reading open');
    await item.first().getByRole('button', { name: 'I have read this' }).click();
    await page.locator('#reading [data-task][data-status="completed"]').waitFor();
    expect(await page.locator('#reading [data-task]').first().textContent()).toMatch(/Read [A-Z][a-z]+ \d{1,2}, \d{4}|Read \d/);
    const task = (await env.server.http.get(`/fhir/${readingTask}`)).body as Task;
    expect(task.status).toBe('completed');
    expect(Date.parse(task.executionPeriod!.end!)).not.toBeNaN();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a discharged patient answers the satisfaction survey in the portal, and it counts in the program report; the clinician sees a patient\'s medications', async () => {
    const patient = await newPage(env);
    await patient.page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(patient.page, dischargedLogin);
    await patient.page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await patient.page.getByRole('heading', { name: 'How was your care?' }).waitFor();
    await patient.page.getByRole('button', { name: 'Start the survey' }).click();
    for (const [item, answer] of [['mhsip-1', 'Strongly agree'], ['mhsip-2', 'Agree'], ['mhsip-3', 'Strongly agree'], ['mhsip-28', 'Agree']]) {
      await patient.page.locator(`fieldset[data-link-id="${item}"]`).getByLabel(answer, { exact: true }).check();
    }
    await expectAccessible(patient.page, 'satisfaction survey');
    await patient.page.getByRole('button', { name: 'Send my answers' }).click();
    await patient.page.locator('#survey [data-survey="answered"]').waitFor();
    expect(patient.errors).toEqual([]);
    await patient.context.close();

    const manager = await newPage(env);
    await manager.page.goto(`${env.live.origin}/apps/outcomes-dashboard/launch.html`);
    await signIn(manager.page, managerLogin);
    await manager.page.waitForURL(/\/apps\/outcomes-dashboard\/index\.html/);
    await manager.page.locator(`[data-program="${fx.programs.iop}"]`).click();
    await manager.page.getByLabel('From').fill(dayFromToday(-30));
    await manager.page.getByLabel('To').fill(dayFromToday(1));
    await manager.page.getByRole('button', { name: 'Show report' }).click();
    const satisfaction = manager.page.locator('[data-measure="iop-satisfaction-rate"]');
    await satisfaction.waitFor();
    expect(await satisfaction.textContent()).toMatch(/100 %.*Satisfied respondents.*1 of 1/);
    await expectAccessible(manager.page, 'program report with satisfaction');
    // Beside a patient's outcomes, the clinician sees their medication list.
    await manager.page.locator(`#program-patients [data-patient="${fx.patients[0]}"]`).click();
    const medication = manager.page.locator('#patient-outcomes .patient-medications [data-medication]');
    await medication.first().waitFor();
    expect(await medication.first().textContent()).toContain('Sertraline 50 mg tablet — 50 mg by mouth once daily');
    expect(manager.errors).toEqual([]);
    await manager.context.close();
  });
});
