/**
 * Issue 15 item 2: secure messages (Communication) and "please reply" requests (CommunicationRequest) between a
 * patient (or proxy) and their care team, with every rule the server enforces: a refused message is a 4xx
 * OperationOutcome and nothing is written.
 */
import type { CareTeam, Communication, EpisodeOfCare, Flag, PractitionerRole, Task } from '@medplum/fhirtypes';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';
import { countOf, createFixture, dayFromToday, enroll, Fixture, output, searchResources, testClock } from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
let team: CareTeam;
let sudTeam: CareTeam;
let patient: TestAgent;
let therapist: TestAgent;
let outsider: TestAgent;
const READ_RECEIPT = 'http://iop-fhir.org/fhir/StructureDefinition/read-receipt';
const post = (agent: TestAgent, type: string, body: object) => agent.post(`/fhir/${type}`).set('Content-Type', 'application/fhir+json').send(body);
const put = (agent: TestAgent, body: Communication) => agent.put(`/fhir/Communication/${body.id}`).set('Content-Type', 'application/fhir+json').send(body);
const ref = (reference: string) => ({ reference });

function message(from: string, to: string[], text: string, extra: Partial<Communication> = {}): Communication {
  return {
    resourceType: 'Communication', status: 'completed', subject: ref(`Patient/${fx.patients[0]}`), about: [ref(`CareTeam/${team.id}`)],
    sender: ref(from), recipient: to.map(ref), sent: '2026-01-05T10:00:00Z', topic: { text: 'Question' }, payload: [{ contentString: text }], ...extra,
  };
}

async function expectRefused(res: { status: number; body: { resourceType?: string; issue?: { diagnostics?: string }[] } }, status: number, pattern: RegExp, before: number) {
  expect(res.status).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue?.map((i) => i.diagnostics).join('\n')).toMatch(pattern);
  expect(await countOf(server, 'Communication')).toBe(before);
}

async function teamOfEpisode(episodeId: string): Promise<CareTeam> {
  const [found] = await searchResources<CareTeam>(server, `CareTeam?identifier=http://iop-fhir.org/fhir/identifier/care-team|care-team~${episodeId}`);
  return found;
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 3 });
  const role = (practitioner: string, program: string, text: string) => post(server.http, 'PractitionerRole', {
    resourceType: 'PractitionerRole', active: true, practitioner: ref(`Practitioner/${practitioner}`), healthcareService: [ref(`HealthcareService/${program}`)], code: [{ text }],
  });
  await role(fx.practitioners[0], fx.programs.iop, 'Therapist');
  await role(fx.practitioners[1], fx.programs.iop, 'Psychiatrist');
  await role(fx.practitioners[2], fx.programs.php, 'Therapist');
  await role(fx.practitioners[1], fx.programs.sud, 'Psychiatrist');
  const enrolled = await enroll(server, fx.programs.iop, fx.patients[0], dayFromToday(-7), [{ name: 'careManager', valueReference: ref(`Practitioner/${fx.practitioners[0]}`) }]);
  team = await teamOfEpisode((output(enrolled.body, 'enrollment')!.resource as EpisodeOfCare).id!);
  await enroll(server, fx.programs.php, fx.patients[1], dayFromToday(-7));
  const sud = await enroll(server, fx.programs.sud, fx.patients[2], dayFromToday(-7));
  sudTeam = await teamOfEpisode((output(sud.body, 'enrollment')!.resource as EpisodeOfCare).id!);
  patient = await server.as('openid fhirUser launch/patient patient/*.crus', { patient: fx.patients[0], fhirUser: `Patient/${fx.patients[0]}` });
  therapist = await server.as('openid fhirUser user/*.crus', { fhirUser: `Practitioner/${fx.practitioners[0]}` });
  outsider = await server.as('openid fhirUser user/*.crus', { fhirUser: `Practitioner/${fx.practitioners[2]}` });
});
afterAll(() => server.close());

describe('who may write to whom', () => {
  let first: Communication;

  test('a patient writes to their care team\'s staff; the clinician finds it addressed to them', async () => {
    const res = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`, `Practitioner/${fx.practitioners[1]}`], 'Can we move Thursday?'));
    expect(res.status).toBe(201);
    first = res.body;
    const inbox = await therapist.get(`/fhir/Communication?recipient=Practitioner/${fx.practitioners[0]}`);
    expect(inbox.status).toBe(200);
    expect(inbox.body.entry.map((e: { resource: Communication }) => e.resource.id)).toContain(first.id);
  });

  test('a patient writing to someone outside their care team: 403, nothing written', async () => {
    const before = await countOf(server, 'Communication');
    const res = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[2]}`], 'Hello'));
    await expectRefused(res, 403, /not a member of the care team/, before);
  });

  test('a patient writing as someone else: 403', async () => {
    const before = await countOf(server, 'Communication');
    await expectRefused(await post(patient, 'Communication', message(`Practitioner/${fx.practitioners[0]}`, [`Practitioner/${fx.practitioners[1]}`], 'x')), 403, /may not write as/, before);
  });

  test('a message without its CareTeam in about, or naming another patient\'s team: 422', async () => {
    const before = await countOf(server, 'Communication');
    await expectRefused(await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'x', { about: undefined })), 422, /CareTeam in about/, before);
    await expectRefused(await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'x', { about: [ref(`CareTeam/${sudTeam.id}`)] })), 422, /is not the care team of/, before);
  });

  test('a clinician writing to a patient they cannot reach: 403, nothing written', async () => {
    const before = await countOf(server, 'Communication');
    const res = await post(outsider, 'Communication', message(`Practitioner/${fx.practitioners[2]}`, [`Patient/${fx.patients[0]}`], 'Hi'));
    await expectRefused(res, 403, /is not among the patients you can reach/, before);
  });

  test('threads: a reply answers the first message (inResponseTo); a reply to a reply is refused', async () => {
    const reply = await post(therapist, 'Communication', message(`Practitioner/${fx.practitioners[0]}`, [`Patient/${fx.patients[0]}`], 'Yes, Friday works.', { inResponseTo: [ref(`Communication/${first.id}`)] }));
    expect(reply.status).toBe(201);
    const before = await countOf(server, 'Communication');
    const nested = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'Thanks', { inResponseTo: [ref(`Communication/${reply.body.id}`)] }));
    await expectRefused(nested, 422, /first message of the thread/, before);
  });

  test('"please reply": a CommunicationRequest follows the same rules', async () => {
    const request = (recipient: string) => ({
      resourceType: 'CommunicationRequest', status: 'active', subject: ref(`Patient/${fx.patients[0]}`), about: [ref(`CareTeam/${team.id}`)],
      requester: ref(`Practitioner/${fx.practitioners[0]}`), sender: ref(`Patient/${fx.patients[0]}`), recipient: [ref(recipient)],
      payload: [{ contentString: 'Please reply: how was your week?' }],
    });
    expect((await post(therapist, 'CommunicationRequest', request(`Practitioner/${fx.practitioners[0]}`))).status).toBe(201);
    const refused = await post(therapist, 'CommunicationRequest', request(`Practitioner/${fx.practitioners[2]}`));
    expect(refused.status).toBe(403);
    expect(refused.body.resourceType).toBe('OperationOutcome');
  });

  test('"please reply" about a message is completed by the patient\'s reply in that thread, not by a message elsewhere', async () => {
    const asked = await post(therapist, 'Communication', message(`Practitioner/${fx.practitioners[0]}`, [`Patient/${fx.patients[0]}`], 'How did the exposure exercise go?', { topic: { text: 'Homework' } }));
    expect(asked.status).toBe(201);
    const requested = await post(therapist, 'CommunicationRequest', {
      resourceType: 'CommunicationRequest', status: 'active', subject: ref(`Patient/${fx.patients[0]}`), about: [ref(`Communication/${asked.body.id}`), ref(`CareTeam/${team.id}`)],
      requester: ref(`Practitioner/${fx.practitioners[0]}`), sender: ref(`Patient/${fx.patients[0]}`), recipient: [ref(`Practitioner/${fx.practitioners[0]}`)],
      payload: [{ contentString: 'Please reply to this message.' }],
    });
    expect(requested.status).toBe(201);
    const status = async () => (await server.http.get(`/fhir/CommunicationRequest/${requested.body.id}`)).body.status;
    expect((await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'Unrelated question'))).status).toBe(201);
    expect(await status()).toBe('active');
    const answered = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'It went fine.', { inResponseTo: [ref(`Communication/${asked.body.id}`)] }));
    expect(answered.status).toBe(201);
    expect(await status()).toBe('completed');
  });
});

describe('a family member (proxy) on the team', () => {
  test('writes as themselves about the patient to the staff; once unlinked (inactive), is refused and nothing is written', async () => {
    const created = await post(server.http, 'RelatedPerson', {
      resourceType: 'RelatedPerson', active: true, patient: ref(`Patient/${fx.patients[0]}`), name: [{ given: ['Ramon'], family: 'Rivera' }],
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'HUSB', display: 'husband' }] }],
    });
    expect(created.status).toBe(201);
    const proxyRef = `RelatedPerson/${created.body.id}`;
    const proxy = await server.as('openid fhirUser user/*.crus', { fhirUser: proxyRef });
    const sent = await post(proxy, 'Communication', message(proxyRef, [`Practitioner/${fx.practitioners[0]}`], 'Ana asked me to say she will be late today.'));
    expect(sent.status).toBe(201);
    expect(sent.body.subject).toEqual(ref(`Patient/${fx.patients[0]}`));
    expect((await server.http.put(`/fhir/RelatedPerson/${created.body.id}`).set('Content-Type', 'application/fhir+json').send({ ...created.body, active: false })).status).toBe(200);
    const before = await countOf(server, 'Communication');
    const refused = await post(server.http, 'Communication', message(proxyRef, [`Practitioner/${fx.practitioners[0]}`], 'Still there?'));
    await expectRefused(refused, 403, /is not a member of CareTeam/, before);
  });
});

describe('attachments and labels', () => {
  test('an attachment within 512 KiB is kept; a larger one is 413 and nothing is written', async () => {
    const small = { contentAttachment: { contentType: 'text/plain', title: 'note.txt', data: Buffer.from('hello').toString('base64') } };
    expect((await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'See file', { payload: [{ contentString: 'See file' }, small] }))).status).toBe(201);
    const before = await countOf(server, 'Communication');
    const big = { contentAttachment: { contentType: 'application/pdf', title: 'scan.pdf', data: Buffer.alloc(512 * 1024 + 1).toString('base64') } };
    await expectRefused(await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'Scan', { payload: [big] })), 413, /"scan.pdf" is 524289 bytes; an attachment may be at most 524288 bytes/, before);
  });

  test('a message labelled as a psychotherapy note is refused', async () => {
    const before = await countOf(server, 'Communication');
    const labelled = message(`Practitioner/${fx.practitioners[0]}`, [`Patient/${fx.patients[0]}`], 'x', { meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSYTHPN' }] } });
    await expectRefused(await post(therapist, 'Communication', labelled), 422, /Psychotherapy notes/, before);
  });

  test('a message on the team of a 42 CFR Part 2 program is labelled Part 2, like the team itself', async () => {
    expect((sudTeam.meta?.security ?? []).map((c) => c.code)).toContain('42CFRPart2');
    const res = await post(server.http, 'Communication', {
      ...message(`Patient/${fx.patients[2]}`, [`Practitioner/${fx.practitioners[1]}`], 'About my group'), subject: ref(`Patient/${fx.patients[2]}`), about: [ref(`CareTeam/${sudTeam.id}`)],
    });
    expect(res.status).toBe(201);
    expect((res.body.meta?.security ?? []).map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['42CFRPart2', 'SUD', 'R']));
  });
});

describe('read receipts', () => {
  let sent: Communication;
  const receipt = (reader: string) => ({ url: READ_RECEIPT, extension: [{ url: 'reader', valueReference: ref(reader) }, { url: 'readAt', valueDateTime: '2026-01-05T11:00:00Z' }] });

  beforeAll(async () => {
    sent = (await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`, `Practitioner/${fx.practitioners[1]}`], 'Read me'))).body;
  });

  test('a recipient adds their own read receipt; the other recipient\'s message stays unread for them', async () => {
    const res = await put(therapist, { ...sent, extension: [receipt(`Practitioner/${fx.practitioners[0]}`)] });
    expect(res.status).toBe(200);
    const readers = (res.body as Communication).extension!.filter((e) => e.url === READ_RECEIPT).map((e) => e.extension![0].valueReference!.reference);
    expect(readers).toEqual([`Practitioner/${fx.practitioners[0]}`]);
    sent = res.body;
  });

  test('a receipt for someone else, or a change to a sent message, is refused', async () => {
    const forOther = await put(patient, { ...sent, extension: [...sent.extension!, receipt(`Practitioner/${fx.practitioners[1]}`)] });
    expect(forOther.status).toBe(403);
    expect(forOther.body.issue[0].diagnostics).toMatch(/only your own read receipt/);
    const edited = await put(therapist, { ...sent, payload: [{ contentString: 'Changed' }] });
    expect(edited.status).toBe(422);
    expect(edited.body.issue[0].diagnostics).toMatch(/cannot be changed/);
  });
});

describe('self-harm escalation', () => {
  const flagsFor = (id: string) => searchResources<Flag>(server, `Flag?patient=Patient/${fx.patients[0]}&_count=100`).then((flags) => flags.filter((f) => f.extension?.some((e) => e.valueReference?.reference === `Communication/${id}`)));
  const tasksFor = (id: string) => searchResources<Task>(server, `Task?focus=Communication/${id}`);

  test('a patient\'s message mentioning self-harm raises the PHQ-9 item 9 workflow: risk Flag and same-day asap Task for the care manager', async () => {
    const res = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'Since Friday I keep thinking I want to die.'));
    expect(res.status).toBe(201);
    const [flag, ...moreFlags] = await flagsFor(res.body.id);
    expect(moreFlags).toEqual([]);
    expect([flag.status, flag.code?.coding?.[0].code]).toEqual(['active', 'message-self-harm-mention']);
    expect(flag.code?.text).toMatch(/want to die/);
    const tasks = await tasksFor(res.body.id);
    expect(tasks.map((t) => [t.code?.coding?.[0].code, t.priority, t.status, t.owner?.reference])).toEqual([['suicide-risk-assessment', 'asap', 'requested', `Practitioner/${fx.practitioners[0]}`]]);
  });

  test('a negated mention, or a clinician\'s message, raises nothing', async () => {
    const negated = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], "I'm not suicidal, just tired."));
    expect(negated.status).toBe(201);
    const fromClinician = await post(therapist, 'Communication', message(`Practitioner/${fx.practitioners[0]}`, [`Patient/${fx.patients[0]}`], 'If you ever feel suicidal, call 988.'));
    expect(fromClinician.status).toBe(201);
    for (const id of [negated.body.id, fromClinician.body.id]) {
      expect(await flagsFor(id)).toEqual([]);
      expect(await tasksFor(id)).toEqual([]);
    }
  });
});

describe('staff changes', () => {
  test('a "please reply" from a clinician who has since left the team is still completed by the patient\'s reply to the team', async () => {
    const asked = await post(server.http, 'Communication', message(`Practitioner/${fx.practitioners[1]}`, [`Patient/${fx.patients[0]}`], 'Any side effects this week?', { topic: { text: 'Medication' } }));
    expect(asked.status).toBe(201);
    const requested = await post(server.http, 'CommunicationRequest', {
      resourceType: 'CommunicationRequest', status: 'active', subject: ref(`Patient/${fx.patients[0]}`), about: [ref(`Communication/${asked.body.id}`), ref(`CareTeam/${team.id}`)],
      requester: ref(`Practitioner/${fx.practitioners[1]}`), sender: ref(`Patient/${fx.patients[0]}`), recipient: [ref(`Practitioner/${fx.practitioners[1]}`)],
    });
    expect(requested.status).toBe(201);
    const [role] = await searchResources<PractitionerRole>(server, `PractitionerRole?practitioner=Practitioner/${fx.practitioners[1]}&service=HealthcareService/${fx.programs.iop}`);
    expect((await server.http.put(`/fhir/PractitionerRole/${role.id}`).set('Content-Type', 'application/fhir+json').send({ ...role, active: false })).status).toBe(200);
    const toLeaver = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[1]}`], 'None', { inResponseTo: [ref(`Communication/${asked.body.id}`)] }));
    expect(toLeaver.status).toBe(403);
    const toTeam = await post(patient, 'Communication', message(`Patient/${fx.patients[0]}`, [`Practitioner/${fx.practitioners[0]}`], 'No side effects.', { inResponseTo: [ref(`Communication/${asked.body.id}`)] }));
    expect(toTeam.status).toBe(201);
    expect((await server.http.get(`/fhir/CommunicationRequest/${requested.body.id}`)).body.status).toBe('completed');
  });
});
