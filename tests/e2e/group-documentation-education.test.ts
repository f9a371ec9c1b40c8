/**
 * Assigning reading from the group documentation app, in a real browser: the clinician picks one of their patients
 * and a piece of the education library (listed by $education-library, which a clinician's token cannot search
 * directly), assigns it with a note, and sees it "Not read yet"; the patient reads it in the portal and says so; the
 * clinician then sees when it was read. Every screen passes the accessibility check.
 */
import type { Task } from '@medplum/fhirtypes';
import { storeEducationLibrary } from '../../server/src/conformance/education-library';
import { createRepository } from '../../server/src/create-repository';
import { expectAccessible } from '../support/accessibility-check';
import { createResource } from '../support/auth-fixtures';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, searchResources } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let clinicianLogin: string;
let patientLogin: string;
const SLEEP = 'Sleep: habits that help your mood and recovery';

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 2 });
  await storeEducationLibrary(createRepository(env.server.pool));
  await createResource(env.server, {
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${fx.practitioners[0]}` },
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }], code: [{ text: 'Therapist' }],
  });
  for (const patient of fx.patients) {
    expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-10), [{ name: 'careManager', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }])).status).toBe(201);
  }
  clinicianLogin = await createLogin(env, `Practitioner/${fx.practitioners[0]}`);
  patientLogin = await createLogin(env, `Patient/${fx.patients[1]}`);
}, 90_000);
afterAll(() => env?.close());

async function openClinicianApp() {
  const clinic = await newPage(env);
  await clinic.page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
  await signIn(clinic.page, clinicianLogin);
  await clinic.page.waitForURL(/\/apps\/group-documentation\/index\.html/);
  return clinic;
}

describeInBrowser('group documentation: assigning reading', () => {
  test('the clinician assigns a reading to their patient; the patient reads it in the portal; the clinician sees when', async () => {
    const clinic = await openClinicianApp();
    const panel = clinic.page.locator('#assign-reading');
    await panel.getByLabel('Patient', { exact: true }).selectOption({ label: 'Ben Okafor' });
    await panel.locator('#assigned-reading').getByRole('heading', { name: 'Reading assigned to Ben Okafor' }).waitFor();
    expect(await panel.locator('#assigned-reading').textContent()).toContain('Nothing assigned yet.');
    const options = await panel.getByLabel('Reading', { exact: true }).locator('option').allTextContents();
    expect(options).toHaveLength(6);
    expect(options).toContain(SLEEP);
    await panel.getByLabel('Reading', { exact: true }).selectOption({ label: SLEEP });
    await panel.getByLabel('Note to the patient (optional)').fill('Keep the sleep diary until Friday.');
    await panel.getByRole('button', { name: 'Assign reading' }).click();
    await clinic.page.getByText(`${SLEEP} was assigned to Ben Okafor.`).waitFor();
    const row = panel.locator('[data-reading-task]');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toMatch(new RegExp(`^${SLEEP.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · assigned .+ · Not read yet$`));
    await expectAccessible(clinic.page, 'clinician assigning reading');
    expect(clinic.errors).toEqual([]);
    await clinic.context.close();

    const [task] = await searchResources<Task>(env.server, `Task?patient=Patient/${fx.patients[1]}&code=http://iop-fhir.org/fhir/CodeSystem/patient-education|read-education`);
    expect(task).toMatchObject({ status: 'requested', requester: { reference: `Practitioner/${fx.practitioners[0]}` }, note: [{ text: 'Keep the sleep diary until Friday.' }] });

    const portal = await newPage(env);
    await portal.page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(portal.page, patientLogin);
    await portal.page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    const item = portal.page.locator(`#reading [data-task="${task.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('Keep the sleep diary until Friday.');
    await item.getByRole('button', { name: `Read ${SLEEP}` }).click();
    await item.getByRole('button', { name: 'I have read this' }).click();
    await portal.page.locator(`#reading [data-task="${task.id}"][data-status="completed"]`).waitFor();
    expect(portal.errors).toEqual([]);
    await portal.context.close();

    const again = await openClinicianApp();
    const panelAgain = again.page.locator('#assign-reading');
    await panelAgain.getByLabel('Patient', { exact: true }).selectOption({ label: 'Ben Okafor' });
    const read = panelAgain.locator(`[data-reading-task="${task.id}"][data-status="completed"]`);
    await read.waitFor();
    expect(await read.textContent()).toMatch(/· Read [A-Z][a-z]+ \d{1,2}, \d{4}$|· Read \d/);
    await expectAccessible(again.page, 'clinician seeing the read receipt');
    expect(again.errors).toEqual([]);
    await again.context.close();
  });
});
