/**
 * Issue 15 in the patient portal, in a real browser: a virtual session shows "Join" with its own join link (the
 * session Appointment's virtual-service extension, copied from its program).
 */
import type { Extension } from '@medplum/fhirtypes';
import { expectAccessible } from '../support/accessibility-check';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, IOP, schedule } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let patientLogin: string;
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
  patientLogin = await createLogin(env, `Patient/${fx.patients[0]}`);
}, 90_000);
afterAll(() => env?.close());

describeInBrowser('patient portal: engagement', () => {
  test('an upcoming virtual session shows Join with its own link and platform', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, patientLogin);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.locator('#sessions [data-appointment]').first().waitFor();
    expect(await page.locator('#sessions [data-appointment]').count()).toBe(3);
    const first = page.locator('#sessions [data-appointment]').first();
    expect(await first.getByRole('link', { name: 'Join video session' }).getAttribute('href')).toBe(JOIN_URL);
    expect(await first.textContent()).toContain('Example Video');
    await expectAccessible(page, 'portal with a virtual session');
    expect(errors).toEqual([]);
    await context.close();
  });
});
