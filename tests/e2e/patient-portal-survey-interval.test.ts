/**
 * The MHSIP satisfaction survey at set intervals while in treatment (docs/engagement.md "Satisfaction"). The rule
 * (smart-apps/patient-portal/survey-schedule.js, a pure function of the enrollments, the answers and the program's
 * clock) is checked in the browser that runs it, at fixed dates and on the programs' zone, so it depends on neither
 * the real day nor the browser's zone; then a patient in treatment for 45 days is offered the survey in the portal and
 * answers it, and a patient in treatment for 10 days is not offered it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectAccessible } from '../support/accessibility-check';
import { createLogin, describeInBrowser, E2eEnvironment, newPage, signIn, startE2e } from '../support/e2e-browser';
import { createFixture, dayFromToday, enroll, Fixture, searchResources } from '../integration/iop-fixtures';

let env: E2eEnvironment;
let fx: Fixture;
let longLogin: string;
let newLogin: string;
const SURVEY = 'http://iop-fhir.org/fhir/Questionnaire/mhsip-satisfaction';

beforeAll(async () => {
  env = await startE2e();
  fx = await createFixture(env.server, { patients: 2 });
  const survey = JSON.parse(readFileSync(path.join(__dirname, '../../profiles/questionnaires/Questionnaire-mhsip-satisfaction.json'), 'utf8'));
  await env.server.http.put('/fhir/Questionnaire/mhsip-satisfaction').set('Content-Type', 'application/fhir+json').send(survey).expect((r) => expect(r.status).toBeLessThan(300));
  expect((await enroll(env.server, fx.programs.iop, fx.patients[0], dayFromToday(-45))).status).toBe(201);
  expect((await enroll(env.server, fx.programs.iop, fx.patients[1], dayFromToday(-10))).status).toBe(201);
  longLogin = await createLogin(env, `Patient/${fx.patients[0]}`);
  newLogin = await createLogin(env, `Patient/${fx.patients[1]}`);
}, 90_000);
afterAll(() => env?.close());

interface Case { name: string; episodes: unknown[]; responses: unknown[]; zone: string; expected: string }
const active = (start: string) => ({ resourceType: 'EpisodeOfCare', status: 'active', period: { start } });
const answer = (authored: string) => ({ resourceType: 'QuestionnaireResponse', questionnaire: SURVEY, status: 'completed', authored });
const CHICAGO = 'America/Chicago';
/** "Today" is 2026-12-07 on the program's clock in every case. */
const CASES: Case[] = [
  { name: 'in treatment 29 days, never asked: not yet', episodes: [active('2026-11-08')], responses: [], zone: CHICAGO, expected: 'none' },
  { name: 'in treatment 30 days, never asked: offered', episodes: [active('2026-11-07')], responses: [], zone: CHICAGO, expected: 'interval' },
  { name: 'answered 17 days ago: not again yet', episodes: [active('2026-10-01')], responses: [answer('2026-11-20T15:00:00Z')], zone: CHICAGO, expected: 'none' },
  { name: 'answered at 21:00 on Nov 7 in Chicago (Nov 8 in UTC): 30 days on the program\'s clock, offered', episodes: [active('2026-10-01')], responses: [answer('2026-11-08T03:00:00Z')], zone: CHICAGO, expected: 'interval' },
  { name: 'the same answer on a UTC clock is 29 days old: not yet', episodes: [active('2026-10-01')], responses: [answer('2026-11-08T03:00:00Z')], zone: 'UTC', expected: 'none' },
  { name: 'an enrollment on hold is not asked at intervals (nor as a discharge)', episodes: [{ ...active('2026-09-01'), status: 'onhold' }], responses: [], zone: CHICAGO, expected: 'none' },
  { name: 'discharged, not answered since the enrollment began: offered at discharge', episodes: [{ resourceType: 'EpisodeOfCare', status: 'finished', period: { start: '2026-09-01', end: '2026-12-01' } }], responses: [answer('2026-08-20T15:00:00Z')], zone: CHICAGO, expected: 'discharge' },
  { name: 'discharged and answered an interval survey during treatment: thanked, as the discharge rule always did', episodes: [{ resourceType: 'EpisodeOfCare', status: 'finished', period: { start: '2026-09-01', end: '2026-12-01' } }], responses: [answer('2026-10-02T15:00:00Z')], zone: CHICAGO, expected: 'discharge answered' },
];

describeInBrowser('patient portal: the satisfaction survey at set intervals', () => {
  test('the rule, at fixed dates on the program\'s clock', async () => {
    const { page, context } = await newPage(env, { timezoneId: 'Asia/Tokyo' });
    await page.goto(`${env.live.origin}/apps/shared/icon.svg`); // a page of the apps, under their CSP (script-src self)
    // A string, so the test's TypeScript transform leaves the browser's dynamic import() alone.
    const results = await page.evaluate(`(async () => {
      const schedule = await import('/apps/patient-portal/survey-schedule.js');
      const zones = await import('/apps/shared/time-zones.js');
      const cases = ${JSON.stringify(CASES)};
      return {
        interval: schedule.SURVEY_INTERVAL_DAYS,
        outcomes: cases.map((c) => {
          const offer = schedule.surveyOffer({ episodes: c.episodes, responses: c.responses, today: '2026-12-07', dateOf: (instant) => zones.dateInZone(instant, c.zone) });
          return offer ? offer.reason + (offer.answered ? ' answered' : '') : 'none';
        }),
      };
    })()`) as { interval: number; outcomes: string[] };
    expect(results.interval).toBe(30);
    expect(Object.fromEntries(CASES.map((c, i) => [c.name, results.outcomes[i]]))).toEqual(Object.fromEntries(CASES.map((c) => [c.name, c.expected])));
    await context.close();
  });

  test('a patient in treatment for 45 days is offered the survey and answers it; one in treatment for 10 days is not offered it', async () => {
    const { page, errors, context } = await newPage(env);
    await page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(page, longLogin);
    await page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await page.getByRole('heading', { name: 'How was your care?' }).waitFor();
    expect(await page.locator('#survey [data-survey-offer]').getAttribute('data-survey-offer')).toBe('interval');
    expect(await page.locator('#survey').textContent()).toContain('Every 30 days we ask how your care is going');
    await page.getByRole('button', { name: 'Start the survey' }).click();
    for (const [item, answer] of [['mhsip-1', 'Agree'], ['mhsip-2', 'Agree'], ['mhsip-3', 'Strongly agree']]) {
      await page.locator(`fieldset[data-link-id="${item}"]`).getByLabel(answer, { exact: true }).check();
    }
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.locator('#survey [data-survey="answered"]').waitFor();
    await expectAccessible(page, 'portal after an interval survey');
    const responses = await searchResources(env.server, `QuestionnaireResponse?patient=Patient/${fx.patients[0]}`);
    expect(responses.filter((r) => (r as { questionnaire?: string }).questionnaire === SURVEY)).toHaveLength(1);
    // Answered today: the next visit does not offer it again.
    await page.reload();
    await page.locator('section[aria-labelledby="survey-heading"][data-checked="true"]').waitFor({ state: 'attached' });
    expect(await page.getByRole('heading', { name: 'How was your care?' }).isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();

    const fresh = await newPage(env);
    await fresh.page.goto(`${env.live.origin}/apps/patient-portal/launch.html`);
    await signIn(fresh.page, newLogin);
    await fresh.page.waitForURL(/\/apps\/patient-portal\/index\.html/);
    await fresh.page.locator('section[aria-labelledby="survey-heading"][data-checked="true"]').waitFor({ state: 'attached' });
    expect(await fresh.page.getByRole('heading', { name: 'How was your care?' }).isVisible()).toBe(false);
    expect(fresh.errors).toEqual([]);
    await fresh.context.close();
  });
});
