/**
 * Issue 15 item 7 in the demo: every patient in treatment has a CareTeam (and a discharged one an ended team), a
 * few message threads with their team, one escalated message; Adelina's husband joins her team when his login is
 * created; no two patients share a name, and each gender fits its name. Seeded at a fixed instant (demo clock), so
 * the file holds the same demo whenever it runs.
 */
import type { CareTeam, Communication, EpisodeOfCare, Flag, Patient, RelatedPerson, Task } from '@medplum/fhirtypes';
import { createRepository } from '../../server/src/create-repository';
import { createDemoLogins } from '../../server/src/demo/demo-logins';
import { searchAll, startDemoServer } from '../support/demo-assertions';
import type { TestServer } from '../support/test-server';

const now = new Date('2026-12-09T16:20:00Z'); // a Wednesday, mid-morning in Chicago
const PROGRAM = 'http://iop-fhir.org/fhir/StructureDefinition/program';
const ENROLLMENT = 'http://iop-fhir.org/fhir/StructureDefinition/enrollment';
let server: TestServer;
let patients: Patient[];
let episodes: EpisodeOfCare[];
let teams: CareTeam[];

beforeAll(async () => {
  server = (await startDemoServer(now)).server;
  patients = await searchAll<Patient>(server, 'Patient?_count=100');
  episodes = await searchAll<EpisodeOfCare>(server, 'EpisodeOfCare?_count=100');
  teams = await searchAll<CareTeam>(server, 'CareTeam?_count=100');
}, 480_000);
afterAll(() => server?.close());

const nameOf = (p: Patient) => `${p.name?.[0]?.given?.[0]} ${p.name?.[0]?.family}`;
const teamOfEpisode = (episodeId: string) => teams.filter((t) => t.extension?.some((e) => e.url === ENROLLMENT && e.valueReference?.reference === `EpisodeOfCare/${episodeId}`));

test('every enrolment has one CareTeam: active with the episode, ended with it after a discharge or step-down', () => {
  expect(episodes.length).toBeGreaterThanOrEqual(30);
  for (const episode of episodes) {
    const [team, ...more] = teamOfEpisode(episode.id!);
    expect(more).toEqual([]);
    expect(team.subject?.reference).toBe(episode.patient?.reference);
    expect(team.status).toBe(episode.status === 'active' ? 'active' : 'inactive');
    const members = (team.participant ?? []).map((p) => p.member?.reference);
    expect(members).toContain(episode.patient?.reference);
    if (episode.careManager) expect(members).toContain(episode.careManager.reference);
    expect(members.filter((m) => m?.startsWith('Practitioner/')).length).toBeGreaterThanOrEqual(2);
  }
});

test('every patient in treatment has message threads with their care team, each naming that team', async () => {
  const messages = await searchAll<Communication>(server, 'Communication?_count=1000');
  for (const episode of episodes.filter((e) => e.status === 'active')) {
    const [team] = teamOfEpisode(episode.id!);
    const theirs = messages.filter((m) => m.subject?.reference === episode.patient?.reference);
    expect(theirs.filter((m) => !m.inResponseTo).length).toBeGreaterThanOrEqual(1);
    expect(theirs.filter((m) => m.inResponseTo).length).toBeGreaterThanOrEqual(1);
    for (const message of theirs) expect(message.about).toEqual([{ reference: `CareTeam/${team.id}` }]);
  }
  const unread = messages.filter((m) => !m.extension?.some((e) => e.url === 'http://iop-fhir.org/fhir/StructureDefinition/read-receipt'));
  expect(unread.length).toBeGreaterThan(0);
  expect(unread.length).toBeLessThan(messages.length);
  for (const message of messages) expect(Date.parse(message.sent!)).toBeLessThanOrEqual(now.getTime());
});

test('the demo\'s message mentioning self-harm raised the risk Flag and the same-day Task', async () => {
  const flags = (await searchAll<Flag>(server, 'Flag?_count=500')).filter((f) => f.code?.coding?.some((c) => c.code === 'message-self-harm-mention'));
  expect(flags).toHaveLength(1);
  const evidence = flags[0].extension?.find((e) => e.url === 'http://iop-fhir.org/fhir/StructureDefinition/risk-evidence')?.valueReference?.reference;
  const tasks = await searchAll<Task>(server, `Task?focus=${evidence}`);
  expect(tasks.map((t) => [t.code?.coding?.[0].code, t.priority])).toEqual([['suicide-risk-assessment', 'asap']]);
});

test('no two patients share a name, none in one group; Adelina is recorded as female', () => {
  const names = patients.map(nameOf);
  expect(new Set(names).size).toBe(names.length);
  const programOf = (patientRef: string) => episodes.find((e) => e.patient?.reference === patientRef && e.status === 'active')?.extension?.find((x) => x.url === PROGRAM)?.valueReference?.reference;
  const byGroup = new Map<string, string[]>();
  for (const patient of patients) {
    const group = programOf(`Patient/${patient.id}`) ?? 'none';
    byGroup.set(group, [...(byGroup.get(group) ?? []), patient.name?.[0]?.given?.[0] ?? '']);
  }
  for (const given of byGroup.values()) expect(new Set(given).size).toBe(given.length);
  expect(patients.find((p) => p.name?.[0]?.given?.[0] === 'Adelina')?.gender).toBe('female');
});

test('Adelina\'s husband joins her care team when his login (RelatedPerson) is created', async () => {
  const ctx = { repo: createRepository(server.pool), baseUrl: server.baseUrl, requestId: 'test', now };
  await createDemoLogins(ctx, server.pool);
  const [husband] = await searchAll<RelatedPerson>(server, 'RelatedPerson?identifier=http://iop-fhir.org/fhir/demo|patient-01-family');
  const [team] = await searchAll<CareTeam>(server, `CareTeam?subject=${husband.patient?.reference}&status=active`);
  expect(team.participant?.find((p) => p.member?.reference === `RelatedPerson/${husband.id}`)?.role?.[0].text).toBe('Family member (husband)');
});
