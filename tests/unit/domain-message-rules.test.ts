/** The messaging rules as pure functions (domain/message-rules.ts) and who is on a care team (domain/care-team-plan.ts). */
import { planCareTeam } from '../../server/src/domain/care-team-plan';
import { checkAttachments, checkMessageChange, checkParties, checkThread, MAX_ATTACHMENT_BYTES, type TeamView } from '../../server/src/domain/message-rules';

const team: TeamView = { reference: 'CareTeam/t', subject: 'Patient/p', status: 'active', members: ['Patient/p', 'Practitioner/a', 'Practitioner/b', 'RelatedPerson/r'] };
const statuses = (problems: { status: number }[]) => problems.map((p) => p.status);

describe('checkParties', () => {
  test('patient, proxy and staff on the team may write to the team', () => {
    expect(checkParties({ subject: 'Patient/p', author: 'Patient/p', addressees: ['Practitioner/a', 'Practitioner/b'], writer: 'Patient/p' }, team, 'sender')).toEqual([]);
    expect(checkParties({ subject: 'Patient/p', author: 'RelatedPerson/r', addressees: ['Practitioner/a'], writer: 'RelatedPerson/r' }, team, 'sender')).toEqual([]);
    expect(checkParties({ subject: 'Patient/p', author: 'Practitioner/a', addressees: ['Patient/p', 'RelatedPerson/r'] }, team, 'sender')).toEqual([]);
  });

  test('outsiders, impersonation, patient-to-family and self-addressed messages are refused', () => {
    expect(statuses(checkParties({ subject: 'Patient/p', author: 'Patient/p', addressees: ['Practitioner/x'] }, team, 'sender'))).toEqual([403]);
    expect(statuses(checkParties({ subject: 'Patient/p', author: 'Practitioner/a', addressees: ['Patient/p'], writer: 'Patient/p' }, team, 'sender'))).toEqual([403]);
    expect(statuses(checkParties({ subject: 'Patient/p', author: 'Patient/p', addressees: ['RelatedPerson/r'] }, team, 'sender'))).toEqual([403]);
    expect(statuses(checkParties({ subject: 'Patient/p', author: 'Practitioner/x', addressees: ['Patient/p'] }, team, 'sender'))).toEqual([403]);
    expect(statuses(checkParties({ subject: 'Patient/p', author: 'Practitioner/a', addressees: ['Practitioner/a'] }, team, 'sender'))).toEqual([422]);
  });

  test('no team, another patient\'s team, an ended team: 422', () => {
    const parties = { subject: 'Patient/p', author: 'Patient/p', addressees: ['Practitioner/a'] };
    expect(statuses(checkParties(parties, undefined, 'sender'))).toEqual([422]);
    expect(statuses(checkParties(parties, { ...team, subject: 'Patient/q' }, 'sender'))).toEqual([422]);
    expect(checkParties(parties, { ...team, status: 'inactive' }, 'sender')[0].message).toMatch(/enrolment it belongs to has ended/);
  });
});

test('checkThread: replies answer the first message of a thread about the same patient', () => {
  expect(checkThread('Patient/p', [])).toEqual([]);
  expect(checkThread('Patient/p', [{ reference: 'Communication/1', found: true, subject: 'Patient/p' }])).toEqual([]);
  expect(checkThread('Patient/p', [{ reference: 'Communication/2', found: true, subject: 'Patient/p', inResponseTo: 'Communication/1' }])[0].message).toMatch(/Communication\/1/);
  expect(statuses(checkThread('Patient/p', [{ reference: 'Communication/1', found: true, subject: 'Patient/q' }]))).toEqual([422]);
  expect(statuses(checkThread('Patient/p', [{ reference: 'Communication/9', found: false }]))).toEqual([422]);
});

test('checkAttachments: a stated type and at most MAX_ATTACHMENT_BYTES, by the decoded data or the stated size', () => {
  const data = (bytes: number) => Buffer.alloc(bytes).toString('base64');
  expect(checkAttachments([{ contentType: 'image/png', data: data(MAX_ATTACHMENT_BYTES) }])).toEqual([]);
  expect(statuses(checkAttachments([{ contentType: 'image/png', data: data(MAX_ATTACHMENT_BYTES + 1) }]))).toEqual([413]);
  expect(statuses(checkAttachments([{ contentType: 'image/png', size: MAX_ATTACHMENT_BYTES + 1 }]))).toEqual([413]);
  expect(statuses(checkAttachments([{ data: data(10) }]))).toEqual([422]);
});

test('checkMessageChange: only the writer\'s own read receipt, as a recipient, and no other change', () => {
  const base = { writer: 'Practitioner/a', recipients: ['Practitioner/a'], contentBefore: 'x', contentAfter: 'x', receiptsBefore: [] };
  expect(checkMessageChange({ ...base, receiptsAfter: [{ reader: 'Practitioner/a', readAt: 't' }] })).toEqual([]);
  expect(statuses(checkMessageChange({ ...base, receiptsAfter: [{ reader: 'Practitioner/b', readAt: 't' }] }))).toEqual([403]);
  expect(statuses(checkMessageChange({ ...base, recipients: [], receiptsAfter: [{ reader: 'Practitioner/a', readAt: 't' }] }))).toEqual([403]);
  expect(statuses(checkMessageChange({ ...base, contentAfter: 'y', receiptsAfter: [] }))).toEqual([422]);
});

test('planCareTeam: patient, care manager, active staff once each with their roles, active family; status and end follow the episode', () => {
  const plan = planCareTeam(
    { episodeId: 'e', patientId: 'p', status: 'finished', start: '2026-01-01', end: '2026-02-01', careManager: 'Practitioner/a', programName: 'PHP' },
    [{ practitionerId: 'b', roleText: 'Psychiatrist', active: true }, { practitionerId: 'a', roleText: 'Therapist', active: true }, { practitionerId: 'c', active: false }],
    [{ relatedPersonId: 'r', relationshipText: 'sister', active: true }, { relatedPersonId: 's', active: false }],
  );
  expect(plan).toEqual({
    status: 'inactive', start: '2026-01-01', end: '2026-02-01', name: 'PHP care team',
    members: [
      { reference: 'Patient/p', roles: ['Patient'] },
      { reference: 'Practitioner/a', roles: ['Care manager', 'Therapist'] },
      { reference: 'Practitioner/b', roles: ['Psychiatrist'] },
      { reference: 'RelatedPerson/r', roles: ['Family member (sister)'] },
    ],
  });
  expect(planCareTeam({ episodeId: 'e', patientId: 'p', status: 'onhold', start: '2026-01-01', end: '2026-02-01' }, [], []).status).toBe('suspended');
  expect(planCareTeam({ episodeId: 'e', patientId: 'p', status: 'active', start: '2026-01-01', end: '2026-02-01' }, [], []).end).toBeUndefined();
});
