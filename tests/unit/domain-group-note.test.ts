/** Group notes: one per member, never naming other members; absent notes carry no group content. */
import type { GroupSessionContent, MemberSectionContent, RosterMember } from '../../server/src/domain/group-note';
import { renderMemberNote } from '../../server/src/domain/group-note';
import { OTHER_MEMBER_PLACEHOLDER, nameTermsFor, redactNames } from '../../server/src/domain/member-name-redaction';

const roster: RosterMember[] = [
  { patientId: 'Patient/1', names: [{ given: ['Adelina'], family: 'Walker' }] },
  { patientId: 'Patient/2', names: [{ given: ['Gerald', 'J'], family: "O'Hara" }, { use: 'nickname', given: ['Gerry'] }] },
  { patientId: 'Patient/3', names: [{ given: ['Grace'], family: 'Nguyen' }] },
  { patientId: 'Patient/4', names: [{ given: ['José'], family: 'Silva-Pérez' }] },
];

const session: GroupSessionContent = {
  sessionTitle: 'Group psychotherapy',
  date: '2024-03-04',
  startTime: '09:00',
  durationMinutes: 180,
  topic: 'Coping with cravings',
  interventions: ['CBT skills practice', 'Mindfulness'],
  sharedSummary: 'Members practised urge surfing. Gerry shared a relapse story and Adelina Walker offered support.',
  facilitators: ['Maya Okonkwo, LCSW'],
};

const member = (extra: Partial<MemberSectionContent> = {}): MemberSectionContent => ({
  patientId: 'Patient/1',
  attendanceStatus: 'present',
  minutesAttended: 180,
  participation: 'Active. Responded to Gerald and to Mr. O\'Hara\'s story; sat next to Grace. Jose asked her a question.',
  response: 'Receptive; she will practise daily. Said grace before lunch.',
  progress: 'Progress toward goal 1.',
  goals: ['Reduce cravings to fewer than 3 per week'],
  plan: 'Continue group; review with Silva-Pérez? No — with her therapist.',
  ...extra,
});

const allText = (note: ReturnType<typeof renderMemberNote>) => note.sections.map((s) => s.text).join('\n');

describe('redacting names', () => {
  test('full names first, then parts; possessives; whole words only; accents either way', () => {
    const terms = nameTermsFor([{ given: ['Adelina'], family: 'Walker' }, { given: ['José'], family: 'Silva-Pérez' }]);
    expect(redactNames('Adelina Walker spoke. Walker\'s friend Adelinas and Jose Silva-Pérez laughed.', terms)).toEqual({
      text: `${OTHER_MEMBER_PLACEHOLDER} spoke. ${OTHER_MEMBER_PLACEHOLDER}'s friend Adelinas and ${OTHER_MEMBER_PLACEHOLDER} laughed.`,
      replacements: 3,
    });
    expect(redactNames('ADELINA and adelina and "Walker, Adelina"', terms).text).toBe(
      `${OTHER_MEMBER_PLACEHOLDER} and ${OTHER_MEMBER_PLACEHOLDER} and "${OTHER_MEMBER_PLACEHOLDER}"`,
    );
    expect(redactNames('Adelina\nWalker', terms)).toEqual({ text: OTHER_MEMBER_PLACEHOLDER, replacements: 1 });
    expect(redactNames('JOSÉ SILVA\u2010PÉREZ and Jose Silva-Pérez', terms)).toEqual({ text: `${OTHER_MEMBER_PLACEHOLDER} and ${OTHER_MEMBER_PLACEHOLDER}`, replacements: 2 });
    expect(redactNames('Mr. O\u2019Hara\u2019s turn', nameTermsFor([{ family: "O'Hara" }])).text).toBe(`Mr. ${OTHER_MEMBER_PLACEHOLDER}\u2019s turn`);
  });

  test('names that are common words only when capitalised; single letters never', () => {
    const terms = nameTermsFor([{ given: ['Will', 'J'], family: 'Rose' }]);
    expect(redactNames('Will said he will bring a rose for Rose.', terms).text).toBe(
      `${OTHER_MEMBER_PLACEHOLDER} said he will bring a rose for ${OTHER_MEMBER_PLACEHOLDER}.`,
    );
    expect(redactNames('J and j are letters.', terms).replacements).toBe(0);
  });

  test('nothing to redact, or no names at all', () => {
    expect(redactNames('', nameTermsFor([{ given: ['Ann'] }]))).toEqual({ text: '', replacements: 0 });
    expect(redactNames('Text with no names.', [])).toEqual({ text: 'Text with no names.', replacements: 0 });
  });

  test('a placeholder is never matched again, and a NUL in the input cannot smuggle one in', () => {
    const terms = nameTermsFor([{ given: ['Another'], family: 'Member' }, { given: ['Group'] }]);
    expect(redactNames('Another Member and Group and \u0000.', terms).text).toBe(`${OTHER_MEMBER_PLACEHOLDER} and ${OTHER_MEMBER_PLACEHOLDER} and .`);
  });
});

describe('per-member group notes', () => {
  test('an attended note has the shared summary and the member section, without any other member\'s name', () => {
    const note = renderMemberNote(session, member(), roster);
    expect(note.kind).toBe('attended');
    expect(note.sections.map((s) => s.code)).toEqual(['session', 'group-summary', 'attendance', 'participation', 'response', 'goals', 'progress', 'plan']);
    const text = allText(note);
    for (const name of ['Gerald', 'Gerry', "O'Hara", 'Grace', 'Nguyen', 'José', 'Jose', 'Silva-Pérez']) expect(text).not.toContain(name);
    // The patient's own name stays; staff names stay; "she will" and "said grace" stay.
    expect(text).toContain('Adelina Walker offered support');
    expect(text).toContain('Maya Okonkwo, LCSW');
    expect(text).toContain('she will practise daily');
    expect(text).toContain('Said grace before lunch');
    expect(note.sections.find((s) => s.code === 'group-summary')?.text).toBe(
      `Members practised urge surfing. ${OTHER_MEMBER_PLACEHOLDER} shared a relapse story and Adelina Walker offered support.\nInterventions: CBT skills practice; Mindfulness.`,
    );
    expect(note.sections.find((s) => s.code === 'attendance')?.text).toBe('Present for the whole session: attended 180 of 180 minutes.');
    expect(note.namesRedacted).toBe(6);
  });

  test('another member\'s note redacts this patient\'s name from the shared summary', () => {
    const note = renderMemberNote(session, member({ patientId: 'Patient/2', participation: 'Talked with Adelina.', response: undefined, progress: undefined, goals: [], plan: undefined }), roster);
    const text = allText(note);
    expect(text).not.toMatch(/Adelina|Walker/);
    expect(text).toContain('Gerry shared a relapse story');
    expect(note.sections.map((s) => s.code)).toEqual(['session', 'group-summary', 'attendance', 'participation']);
  });

  test('a member sharing a first name with another member: privacy wins', () => {
    const twins: RosterMember[] = [...roster, { patientId: 'Patient/5', names: [{ given: ['Adelina'], family: 'Koepp' }] }];
    const note = renderMemberNote(session, member({ participation: 'Adelina participated well.' }), twins);
    expect(note.sections.find((s) => s.code === 'participation')?.text).toBe(`${OTHER_MEMBER_PLACEHOLDER} participated well.`);
  });

  test('late and left-early attendance is stated with minutes', () => {
    const note = renderMemberNote(session, member({ attendanceStatus: 'late-and-left-early', minutesAttended: 120 }), roster);
    expect(note.sections.find((s) => s.code === 'attendance')?.text).toBe('Arrived late and left early: attended 120 of 180 minutes.');
  });

  test('an absent member gets an absence note with no group content and no names', () => {
    const note = renderMemberNote(
      session,
      member({ patientId: 'Patient/3', attendanceStatus: 'absent-unexcused', minutesAttended: 0, absenceReason: 'No contact; Gerry said she was ill', plan: 'Outreach call today.' }),
      roster,
    );
    expect(note).toEqual({
      patientId: 'Patient/3',
      kind: 'absent',
      title: 'Group psychotherapy: absence note',
      sections: [
        { code: 'session', title: 'Session', text: 'Group psychotherapy on 2024-03-04 at 09:00, 180 minutes.' },
        {
          code: 'attendance',
          title: 'Attendance',
          text: `Absent without notice (no-show). The patient did not take part in this session. Reason: No contact; ${OTHER_MEMBER_PLACEHOLDER} said she was ill.`,
        },
        { code: 'plan', title: 'Plan', text: 'Outreach call today.' },
      ],
      namesRedacted: 1,
    });
    expect(allText(note)).not.toMatch(/urge surfing|cravings|Mindfulness/);
  });

  test('excused absences and program cancellations are absence notes too', () => {
    expect(renderMemberNote(session, member({ attendanceStatus: 'absent-excused', minutesAttended: 0, plan: undefined }), roster).kind).toBe('absent');
    const cancelled = renderMemberNote(session, member({ attendanceStatus: 'cancelled-by-program', minutesAttended: 0, plan: undefined }), roster);
    expect(cancelled.sections.map((s) => s.code)).toEqual(['session', 'attendance']);
  });

  test('a roster of one: nothing to redact', () => {
    const note = renderMemberNote({ ...session, interventions: [], topic: undefined }, member({ participation: 'Gerry was absent.' }), [roster[0]]);
    expect(note.namesRedacted).toBe(0);
    expect(note.sections[0].text).toBe('Group psychotherapy on 2024-03-04 at 09:00, 180 minutes. Facilitated by Maya Okonkwo, LCSW.');
  });
});
