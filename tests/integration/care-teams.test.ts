/**
 * Issue 15 item 1: one CareTeam per enrolment, kept current by $enroll, $change-level-of-care, discharge, staff
 * changes (PractitionerRole) and family links (RelatedPerson), through the write hooks; the episode names it in
 * `team`; and what people add to a team by hand (participants, notes) survives those syncs.
 */
import type { CareTeam, EpisodeOfCare, PractitionerRole, RelatedPerson } from '@medplum/fhirtypes';
import { startTestServer, TestServer } from '../support/test-server';
import { createFixture, dayFromToday, enroll, Fixture, invoke, MH_LEVEL, output, params, searchResources, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');
const teamsOf = (patientId: string) => searchResources<CareTeam>(server, `CareTeam?subject=Patient/${patientId}&_sort=_id`);
const teamOf = async (episodeId: string) => (await searchResources<CareTeam>(server, `CareTeam?identifier=http://iop-fhir.org/fhir/identifier/care-team|care-team~${episodeId}`))[0];
const members = (team: CareTeam) => (team.participant ?? []).map((p) => [p.member?.reference, (p.role ?? []).map((r) => r.text).join(', ')]);
const SYNCED = 'http://iop-fhir.org/fhir/StructureDefinition/care-team-synced';
const synced = (team: CareTeam) => (team.participant ?? []).filter((p) => p.extension?.some((e) => e.url === SYNCED && e.valueBoolean)).map((p) => p.member?.reference);
const readEpisode = async (id: string) => (await server.http.get(`/fhir/EpisodeOfCare/${id}`)).body as EpisodeOfCare;

async function addRole(practitioner: string, program: string, text: string): Promise<PractitionerRole> {
  const res = await json(server.http.post('/fhir/PractitionerRole')).send({
    resourceType: 'PractitionerRole', active: true, practitioner: { reference: `Practitioner/${practitioner}` },
    healthcareService: [{ reference: `HealthcareService/${program}` }], code: [{ text }],
  });
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 3 });
  await addRole(fx.practitioners[0], fx.programs.php, 'Therapist');
  await addRole(fx.practitioners[1], fx.programs.php, 'Psychiatrist');
  await addRole(fx.practitioners[1], fx.programs.iop, 'Psychiatrist');
});
afterAll(() => server.close());

describe('CareTeam per enrolment', () => {
  let episode: EpisodeOfCare;

  test('$enroll creates the team: the patient, the care manager, the program staff by role; linked to the episode', async () => {
    const res = await enroll(server, fx.programs.php, fx.patients[0], dayFromToday(-5), [{ name: 'careManager', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }]);
    expect(res.status).toBe(201);
    episode = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    const team = await teamOf(episode.id!);
    expect(team.status).toBe('active');
    expect(team.period).toEqual({ start: dayFromToday(-5) });
    expect(team.subject?.reference).toBe(`Patient/${fx.patients[0]}`);
    expect(team.managingOrganization?.[0].reference).toBe(`Organization/${fx.org}`);
    expect(team.extension).toEqual([{ url: 'http://iop-fhir.org/fhir/StructureDefinition/enrollment', valueReference: { reference: `EpisodeOfCare/${episode.id}` } }]);
    expect(team.name).toMatch(/^PHP .* care team$/);
    expect(members(team)).toEqual([
      [`Patient/${fx.patients[0]}`, 'Patient'],
      [`Practitioner/${fx.practitioners[0]}`, 'Care manager, Therapist'],
      [`Practitioner/${fx.practitioners[1]}`, 'Psychiatrist'],
    ]);
    expect(synced(team)).toEqual(members(team).map(([m]) => m)); // every participant here is the server's
    // The episode names its team; $enroll answers with that version, and it is the stored one.
    expect(episode.team).toEqual([{ reference: `CareTeam/${team.id}` }]);
    expect((await readEpisode(episode.id!)).meta?.versionId).toBe(episode.meta?.versionId);
  });

  test('an enrolment written by PUT/POST is linked to its team too, next to a team the client listed; an unchanged write adds no version', async () => {
    const res = await enroll(server, fx.programs.iop, fx.patients[2], dayFromToday(-2));
    const admitted = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    const own = `CareTeam/${(await teamOf(admitted.id!)).id}`;
    const other = await json(server.http.post('/fhir/CareTeam')).send({ resourceType: 'CareTeam', status: 'active', name: 'Family therapy', subject: { reference: `Patient/${fx.patients[2]}` } });
    expect(other.status).toBe(201);
    // A client replaces `team` with only its own list: the server adds the enrolment's team back.
    const put = await json(server.http.put(`/fhir/EpisodeOfCare/${admitted.id}`)).send({ ...admitted, team: [{ reference: `CareTeam/${other.body.id}` }] });
    expect(put.status).toBe(200);
    const stored = await readEpisode(admitted.id!);
    expect(stored.team).toEqual([{ reference: `CareTeam/${other.body.id}` }, { reference: own }]);
    expect(Number(stored.meta?.versionId)).toBe(Number(put.body.meta.versionId) + 1);
    // Writing it back as read changes nothing the server derives: no further version.
    const again = await json(server.http.put(`/fhir/EpisodeOfCare/${admitted.id}`)).send(stored);
    expect(again.status).toBe(200);
    expect((await readEpisode(admitted.id!)).meta?.versionId).toBe(again.body.meta.versionId);
    expect((await server.http.delete(`/fhir/EpisodeOfCare/${admitted.id}`)).status).toBe(204);
  });

  test('a staff change reaches open teams: a new role joins, a deactivated role leaves; an unchanged team gets no new version', async () => {
    const before = await teamOf(episode.id!);
    const role = await addRole(fx.practitioners[2], fx.programs.php, 'Psychiatric nurse');
    const joined = await teamOf(episode.id!);
    expect(members(joined)).toContainEqual([`Practitioner/${fx.practitioners[2]}`, 'Psychiatric nurse']);
    expect(Number(joined.meta?.versionId)).toBe(Number(before.meta?.versionId) + 1);
    expect((await json(server.http.put(`/fhir/PractitionerRole/${role.id}`)).send({ ...role, active: false })).status).toBe(200);
    const left = await teamOf(episode.id!);
    expect(members(left).map(([m]) => m)).not.toContain(`Practitioner/${fx.practitioners[2]}`);
    const again = await json(server.http.put(`/fhir/Practitioner/${fx.practitioners[2]}`)).send({ resourceType: 'Practitioner', id: fx.practitioners[2], name: [{ family: 'Renamed' }] });
    expect(again.status).toBe(200);
    expect((await teamOf(episode.id!)).meta?.versionId).toBe(left.meta?.versionId);
  });

  test('a linked family member (RelatedPerson) joins the team; unlinking (active false) removes them', async () => {
    const res = await json(server.http.post('/fhir/RelatedPerson')).send({
      resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${fx.patients[0]}` }, name: [{ given: ['Sol'], family: 'Rivera' }],
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SIS', display: 'sister' }] }],
    });
    expect(res.status).toBe(201);
    const person = res.body as RelatedPerson;
    expect(members(await teamOf(episode.id!))).toContainEqual([`RelatedPerson/${person.id}`, 'Family member (sister)']);
    expect((await json(server.http.put(`/fhir/RelatedPerson/${person.id}`)).send({ ...person, active: false })).status).toBe(200);
    expect(members(await teamOf(episode.id!)).map(([m]) => m)).not.toContain(`RelatedPerson/${person.id}`);
  });

  test('a team edited by hand keeps what people added (a participant, a note) through staff syncs; derived members still come and go', async () => {
    const team = await teamOf(episode.id!);
    const edited: CareTeam = {
      ...team,
      participant: [...team.participant!, { role: [{ text: 'Peer support specialist' }], member: { reference: `Practitioner/${fx.practitioners[2]}` } }],
      note: [{ text: 'Family session planned after week 2.' }],
    };
    expect((await json(server.http.put(`/fhir/CareTeam/${team.id}`)).send(edited)).status).toBe(200);
    // A staff change syncs the team: the new role joins (marked), the hand-added participant and the note stay.
    const hired = await json(server.http.post('/fhir/Practitioner')).send({ resourceType: 'Practitioner', name: [{ family: 'Okoye', given: ['Ada'] }] });
    expect(hired.status).toBe(201);
    const socialWorker = hired.body.id as string;
    const role = await addRole(socialWorker, fx.programs.php, 'Social worker');
    const joined = await teamOf(episode.id!);
    expect(members(joined)).toContainEqual([`Practitioner/${socialWorker}`, 'Social worker']);
    expect(members(joined)).toContainEqual([`Practitioner/${fx.practitioners[2]}`, 'Peer support specialist']);
    expect(synced(joined)).toContain(`Practitioner/${socialWorker}`);
    expect(synced(joined)).not.toContain(`Practitioner/${fx.practitioners[2]}`);
    expect(joined.note).toEqual([{ text: 'Family session planned after week 2.' }]);
    // The same practitioner gaining a program role is not listed twice: the hand-made entry stands for them.
    const sameAsHand = await addRole(fx.practitioners[2], fx.programs.php, 'Psychiatric nurse');
    expect(members(await teamOf(episode.id!)).filter(([m]) => m === `Practitioner/${fx.practitioners[2]}`)).toEqual([[`Practitioner/${fx.practitioners[2]}`, 'Peer support specialist']]);
    // Roles ending take off only what the server added.
    for (const ended of [role, sameAsHand]) expect((await json(server.http.put(`/fhir/PractitionerRole/${ended.id}`)).send({ ...ended, active: false })).status).toBe(200);
    const left = await teamOf(episode.id!);
    expect(members(left).map(([m]) => m)).not.toContain(`Practitioner/${socialWorker}`);
    expect(members(left)).toContainEqual([`Practitioner/${fx.practitioners[2]}`, 'Peer support specialist']);
    expect(left.note).toEqual([{ text: 'Family session planned after week 2.' }]);
  });

  test('$change-level-of-care ends the old team with its episode and opens the new program\'s team', async () => {
    const res = await invoke(server, `EpisodeOfCare/${episode.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }, { name: 'program', valueReference: { reference: `HealthcareService/${fx.programs.iop}` } },
      { name: 'effectiveDate', valueDate: dayFromToday(1) },
    ));
    expect(res.status).toBe(200);
    const opened = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    const old = await teamOf(episode.id!);
    expect([old.status, old.period?.end]).toEqual(['inactive', dayFromToday(0)]);
    // The ended team is the record of who was on it, hand-added participant and note included.
    expect(members(old)).toContainEqual([`Practitioner/${fx.practitioners[2]}`, 'Peer support specialist']);
    expect(old.note).toEqual([{ text: 'Family session planned after week 2.' }]);
    const next = await teamOf(opened.id!);
    expect(next.status).toBe('active');
    expect(opened.team).toEqual([{ reference: `CareTeam/${next.id}` }]);
    expect((await readEpisode(episode.id!)).team).toEqual([{ reference: `CareTeam/${old.id}` }]);
    expect(members(next)).toEqual([
      [`Patient/${fx.patients[0]}`, 'Patient'],
      [`Practitioner/${fx.practitioners[0]}`, 'Care manager'],
      [`Practitioner/${fx.practitioners[1]}`, 'Psychiatrist'],
    ]);
    expect((await teamsOf(fx.patients[0])).map((t) => t.status).sort()).toEqual(['active', 'inactive']);
  });

  test('a discharge (the episode finished by PUT) ends the team on the discharge date', async () => {
    const res = await enroll(server, fx.programs.iop, fx.patients[1], dayFromToday(-10));
    const admitted = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    const discharged = {
      ...admitted, status: 'finished', period: { ...admitted.period, end: dayFromToday(-1) },
      extension: [...admitted.extension!, { url: 'http://iop-fhir.org/fhir/StructureDefinition/discharge-reason', valueCodeableConcept: { coding: [{ system: 'http://iop-fhir.org/fhir/CodeSystem/discharge-reason', code: 'completed' }] } }],
    };
    expect((await json(server.http.put(`/fhir/EpisodeOfCare/${admitted.id}`)).send(discharged)).status).toBe(200);
    const team = await teamOf(admitted.id!);
    expect([team.status, team.period]).toEqual(['inactive', { start: dayFromToday(-10), end: dayFromToday(-1) }]);
  });

  test('deleting an enrolment (e.g. entered in error) ends its team', async () => {
    const res = await enroll(server, fx.programs.php, fx.patients[2], dayFromToday(-3));
    const admitted = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    expect((await teamOf(admitted.id!)).status).toBe('active');
    expect((await server.http.delete(`/fhir/EpisodeOfCare/${admitted.id}`)).status).toBe(204);
    const team = await teamOf(admitted.id!);
    expect([team.status, team.period?.end]).toEqual(['inactive', dayFromToday(0)]);
  });

  test('an EpisodeOfCare that is not a program enrolment gets no team', async () => {
    const res = await json(server.http.post('/fhir/EpisodeOfCare')).send({ resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `Patient/${fx.patients[2]}` }, period: { start: dayFromToday(-1) } });
    expect(res.status).toBe(201);
    expect((await teamsOf(fx.patients[2])).filter((t) => t.status === 'active' && t.name !== 'Family therapy')).toEqual([]);
    expect((await readEpisode(res.body.id)).team).toBeUndefined();
  });
});
