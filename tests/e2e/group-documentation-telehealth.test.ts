/**
 * Telehealth in the group documentation app, in a real browser: a session that meets online asks how each attending
 * member joined (video or phone, from home or not), and the attendance Encounters record it for billing.
 */
import type { Bundle, Encounter, Extension } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { expectAccessible } from '../support/accessibility-check';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, IOP, output, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let clinician: string;
let session: string;
const DAY = dayFromToday(-1);
const virtualService: Extension = {
  url: `${IOP}/StructureDefinition/virtual-service`,
  extension: [
    { url: 'channel', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'VIDEOCONF' } },
    { url: 'address', valueUrl: 'https://video.example.org/rooms/iop' },
  ],
};

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 3 });
  await createResource(env.server, {
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${fx.practitioners[0]}` },
    organization: { reference: `Organization/${fx.org}` }, healthcareService: [{ reference: `HealthcareService/${fx.programs.iop}` }],
  });
  const program = (await env.server.http.get(`/fhir/HealthcareService/${fx.programs.iop}`)).body;
  program.extension = [...(program.extension ?? []), { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/Chicago' }, virtualService];
  expect((await env.server.http.put(`/fhir/HealthcareService/${fx.programs.iop}`).set('Content-Type', 'application/fhir+json').send(program)).status).toBe(200);
  for (const patient of fx.patients) expect((await enroll(env.server, fx.programs.iop, patient, dayFromToday(-20))).status).toBe(201);
  const res = await schedule(env.server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: DAY, to: DAY, facilitators: [fx.practitioners[0]] });
  expect(res.status).toBe(200);
  session = output(res.body, 'session')!.valueReference!.reference!.split('/')[1];
  clinician = await createLogin(env, `Practitioner/${fx.practitioners[0]}`);
}, 90_000);
afterAll(() => env?.close());

describeInBrowser('group documentation: telehealth', () => {
  test('a virtual session asks how each member joined, and attendance records it', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/group-documentation/launch.html`);
    await signIn(page, clinician);
    await page.waitForURL(/\/apps\/group-documentation\/index\.html/);
    await page.getByLabel('Day').fill(DAY);
    await page.locator(`[data-session="${session}"]`).click();
    await page.locator('#session-heading').waitFor();
    await page.getByText('This session meets online').waitFor();
    await page.getByLabel('Attendance of Ana Rivera').selectOption('present');
    await page.getByLabel('Attendance of Ben Okafor').selectOption('present');
    await page.getByLabel('How Ben Okafor joined').selectOption('video|elsewhere');
    await page.getByLabel('Attendance of Cara Lindqvist').selectOption('absent-unexcused');
    expect(await page.getByLabel('How Cara Lindqvist joined').isDisabled()).toBe(true);
    await expectAccessible(page, 'attendance of a virtual session');
    await page.getByRole('button', { name: 'Record attendance' }).click();
    await page.getByText('Attendance recorded').waitFor();

    const encounters = ((await env.server.http.get(`/fhir/Encounter?subject:missing=false&_count=50`)).body as Bundle).entry!.map((e) => e.resource as Encounter)
      .filter((e) => e.appointment?.some((a) => a.reference !== `Appointment/${session}`));
    const joined = (patient: string) => {
      const encounter = encounters.find((e) => e.subject?.reference === `Patient/${patient}`)!;
      return [encounter.class.code, ...['session-modality', 'telehealth-patient-at-home'].map((id) => {
        const extension = encounter.extension?.find((x) => x.url === `${IOP}/StructureDefinition/${id}`);
        return extension?.valueCoding?.code ?? extension?.valueBoolean;
      })];
    };
    expect(joined(fx.patients[0])).toEqual(['VR', 'video', true]);
    expect(joined(fx.patients[1])).toEqual(['VR', 'video', false]);
    expect(encounters.some((e) => e.subject?.reference === `Patient/${fx.patients[2]}`)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
