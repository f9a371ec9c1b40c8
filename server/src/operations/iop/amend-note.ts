/**
 * POST /Composition/{id}/$amend on a signed note: a new draft note that replaces it (relatesTo replaces) with the
 * given sections changed and the reason recorded; the original stays as it was, signed and locked. The amendment
 * is signed with $sign like any note (status amended). In a group note, the new text is scrubbed of the other
 * members' names like the original (domain/group-note.ts).
 */
import type { Appointment, Composition, CompositionSection, Encounter, Patient } from '@medplum/fhirtypes';
import type { RosterMember } from '../../domain/group-note';
import { otherMemberTerms } from '../../domain/group-note';
import { redactNames } from '../../domain/member-name-redaction';
import { badRequest, conflict } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import { OperationInput } from '../operation-input';
import type { OperationDeclaration } from '../registry';
import { CS, ID, keyIdentifier, SIGNED_TAG } from './iop-vocabulary';
import { loadSessionBookings } from './load-schedule';
import { patientOf } from './map-appointments';
import { noteSection } from './map-note';
import { narrative } from './note-narrative';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { optionalReference, requireString } from './read-input';
import { idOf, readResource, searchAll, type AnyReference } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

export const amendOperation: OperationDeclaration = {
  definition: iopOperationDefinition('amend'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const original = await readResource<Composition>(txCtx, 'Composition', target.id!);
    if (original.status === 'preliminary') throw conflict(`Composition/${original.id} is a draft: change it directly (PUT); only signed notes are amended`);
    if (original.status === 'entered-in-error') throw conflict(`Composition/${original.id} was entered in error`);
    const reason = requireString(input, 'reason');
    const changes = input.all('section').map((p, i) => {
      const part = new OperationInput(p.part ?? []);
      const code = part.string('code');
      const text = part.string('text');
      if (!code || !text) throw badRequest(`section[${i}] needs code (a note-section code) and text`);
      return { code, title: part.string('title'), text };
    });
    if (changes.length === 0) throw badRequest('At least one section (code, text) with the amended content is required');
    const patientId = idOf(original.subject, 'Patient')!;
    const scrub = isGroupNote(original) ? await scrubberForGroupNote(txCtx, original, patientId) : (text: string) => text;

    const sections: CompositionSection[] = (original.section ?? []).map((s) => {
      const code = s.code?.coding?.find((c) => c.system === CS.noteSection)?.code;
      const change = changes.find((c) => c.code === code);
      return change ? noteSection(change.code, change.title ?? s.title ?? change.code, [{ text: scrub(change.text) }], s.entry) : s;
    });
    for (const change of changes.filter((c) => !sections.some((s) => s.code?.coding?.some((x) => x.code === c.code)))) {
      sections.push(noteSection(change.code, change.title ?? change.code, [{ text: scrub(change.text) }]));
    }
    sections.push({ title: 'Amendment', code: { text: 'Amendment reason' }, text: narrative([{ heading: `Amended ${now.toISOString().slice(0, 10)}`, text: scrub(reason) }]) });
    const prior = await searchAll<Composition>(txCtx, 'Composition', { 'related-ref': `Composition/${original.id}` });
    const { id: _id, attester: _attester, relatesTo: _relatesTo, identifier, ...content } = original;
    const author = optionalReference(input, 'author') as AnyReference | undefined;
    const amendment: Composition = {
      ...content,
      meta: unsignedMeta(original.meta),
      status: 'preliminary',
      date: now.toISOString(),
      ...(author ? { author: [author] } : {}),
      relatesTo: [{ code: 'replaces', targetReference: { reference: `Composition/${original.id}` } }],
      section: sections,
    };
    const writes = new WriteSet();
    const baseKey = identifier?.value?.replaceAll('~', '|') ?? `Composition|${original.id}`;
    const urn = writes.create(amendment, keyIdentifier(ID.sessionNote, `${baseKey}|amendment-${prior.length + 1}`));
    const committed = await commitWrites(txCtx, writes);
    return { status: 201, body: parameters(out.reference('amendment', committed.locations.get(urn)), out.reference('replaces', `Composition/${original.id}`)) };
  }),
};

function isGroupNote(note: Composition): boolean {
  return (note.category ?? []).some((c) => c.coding?.some((x) => x.system === CS.noteKind && x.code === 'group-session-note'));
}

/** The other members of the note's session: the attendance Encounter's session, or the session of an absence note. */
async function scrubberForGroupNote(ctx: FhirContext, note: Composition, patientId: string): Promise<(text: string) => string> {
  const encounterId = idOf(note.encounter, 'Encounter');
  if (!encounterId) return (text) => text;
  const encounter = await readResource<Encounter>(ctx, 'Encounter', encounterId);
  const sessionEncounter = encounter.partOf ? await readResource<Encounter>(ctx, 'Encounter', idOf(encounter.partOf, 'Encounter')!) : encounter;
  const sessionAppointment = sessionEncounter.appointment?.[0]?.reference;
  if (!sessionAppointment) return (text) => text;
  const bookings: Appointment[] = await loadSessionBookings(ctx, [sessionAppointment]);
  const ids = [...new Set(bookings.map(patientOf).filter((id): id is string => id !== undefined))];
  const patients = ids.length > 0 ? await searchAll<Patient>(ctx, 'Patient', { _id: ids.join(',') }) : [];
  const roster: RosterMember[] = patients.map((p) => ({ patientId: p.id!, names: p.name ?? [] }));
  const terms = otherMemberTerms(patientId, roster);
  return (text) => redactNames(text, terms).text;
}

/** The original's meta without its version and signed tag; no empty tag list or meta (R4 JSON has no empty arrays or objects). */
function unsignedMeta(meta: Composition['meta']): Composition['meta'] {
  const { versionId: _versionId, lastUpdated: _lastUpdated, tag, ...rest } = meta ?? {};
  const kept = (tag ?? []).filter((t) => t.code !== SIGNED_TAG.code || t.system !== SIGNED_TAG.system);
  const result = { ...rest, ...(kept.length > 0 ? { tag: kept } : {}) };
  return Object.keys(result).length > 0 ? result : undefined;
}
