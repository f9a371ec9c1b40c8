/**
 * Issue 15 item 1: one CareTeam per enrolment, kept current by $enroll, $change-level-of-care, discharge, staff
 * changes (PractitionerRole) and family links (RelatedPerson), through the write hooks.
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

  test('$change-level-of-care ends the old team with its episode and opens the new program\'s team', async () => {
    const res = await invoke(server, `EpisodeOfCare/${episode.id}/$change-level-of-care`, params(
      { name: 'levelOfCare', valueCoding: { system: MH_LEVEL, code: 'mh-iop' } }, { name: 'program', valueReference: { reference: `HealthcareService/${fx.programs.iop}` } },
      { name: 'effectiveDate', valueDate: dayFromToday(1) },
    ));
    expect(res.status).toBe(200);
    const opened = output(res.body, 'enrollment')!.resource as EpisodeOfCare;
    const old = await teamOf(episode.id!);
    expect([old.status, old.period?.end]).toEqual(['inactive', dayFromToday(0)]);
    const next = await teamOf(opened.id!);
    expect(next.status).toBe('active');
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
    expect((await teamsOf(fx.patients[2])).filter((t) => t.status === 'active')).toEqual([]);
  });
});
