/**
 * A session note as a Composition (IOP Session Note profile): one per patient, a draft ('preliminary') until
 * $sign. The group note's sections come from domain/group-note.ts (renderMemberNote, which never names other
 * members); template notes' sections from their Questionnaire's groups (map-template-note.ts).
 */
import type { Coding, Composition, CompositionSection, Meta, Reference } from '@medplum/fhirtypes';
import type { MemberNote, NoteSection } from '../../domain/group-note';
import { CS, PROFILE } from './iop-vocabulary';
import { narrative } from './note-narrative';
import type { AnyReference } from './read-resources';

export const PROGRESS_NOTE: Coding = { system: CS.loinc, code: '11506-3', display: 'Progress note' };
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** Restricted and psychiatric; a 42 CFR Part 2 program's notes also carry the Part 2 policy and SUD sensitivity. */
export function noteSecurity(part2: boolean): Coding[] {
  return [
    { system: CONFIDENTIALITY, code: 'R', display: 'restricted' },
    { system: ACT_CODE, code: 'PSY', display: 'psychiatry disorder information sensitivity' },
    ...(part2 ? [{ system: ACT_CODE, code: '42CFRPart2', display: '42 CFR Part2' }, { system: ACT_CODE, code: 'SUD', display: 'substance use disorder information sensitivity' }] : []),
  ];
}

export function noteSection(code: string, title: string, blocks: { heading?: string; text: string }[], entry?: Reference[]): CompositionSection {
  return {
    title,
    code: { coding: [{ system: CS.noteSection, code }] },
    text: narrative(blocks),
    ...(entry && entry.length > 0 ? { entry } : {}),
  };
}

const SHARED: ReadonlySet<NoteSection['code']> = new Set(['session', 'group-summary']);

/**
 * The domain's member note as profile sections: session facts and group summary → one group-summary section;
 * attendance, participation, response, goals and progress → one member-specific section (with the member's
 * template response as entry); the plan → a plan section.
 */
export function memberNoteSections(note: MemberNote, response?: Reference): CompositionSection[] {
  const block = (s: NoteSection) => ({ heading: s.title, text: s.text });
  const shared = note.sections.filter((s) => SHARED.has(s.code));
  const member = note.sections.filter((s) => !SHARED.has(s.code) && s.code !== 'plan');
  const plan = note.sections.filter((s) => s.code === 'plan');
  return [
    noteSection('group-summary', note.kind === 'absent' ? 'Session' : 'Group summary', shared.map(block)),
    noteSection('member-specific', note.kind === 'absent' ? 'Absence' : 'This member', member.map(block), response ? [response] : undefined),
    ...(plan.length > 0 ? [noteSection('plan', 'Plan', plan.map(block))] : []),
  ];
}

export interface DraftNote {
  kind: Coding;
  title: string;
  patientId: string;
  encounter: AnyReference;
  author: AnyReference;
  date: string;
  sections: CompositionSection[];
  part2: boolean;
  /** The session (period) and, for absence notes, the patient's Appointment it documents. */
  event?: { start: string; end: string; detail?: Reference[] };
}

export function buildDraftNote(draft: DraftNote): Composition {
  const meta: Meta = { profile: [PROFILE.sessionNote], security: noteSecurity(draft.part2) };
  return {
    resourceType: 'Composition',
    meta,
    status: 'preliminary',
    type: { coding: [PROGRESS_NOTE] },
    category: [{ coding: [draft.kind] }],
    subject: { reference: `Patient/${draft.patientId}` },
    encounter: draft.encounter,
    date: draft.date,
    author: [draft.author],
    title: draft.title,
    confidentiality: 'R',
    ...(draft.event ? { event: [{ period: { start: draft.event.start, end: draft.event.end }, ...(draft.event.detail ? { detail: draft.event.detail } : {}) }] } : {}),
    section: draft.sections,
  };
}
