/**
 * POST /Composition/{id}/$sign, or POST /Composition/$sign with several `note`s (batch signing): each draft note
 * becomes final (an amendment: amended), attested by the signer, with a Provenance carrying the signature; the
 * note and its template answers are then locked (note-lock.ts). Signing an attended session's note bills it
 * (bill-signed-notes.ts): Claims per the payer's rules and authorization units decremented. One transaction.
 */
import type { Appointment, Composition, Encounter, Provenance, QuestionnaireResponse } from '@medplum/fhirtypes';
import { badRequest, conflict } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationDeclaration } from '../registry';
import { BillingRun } from './bill-signed-notes';
import { CS, hasTag, SIGNED_TAG } from './iop-vocabulary';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, outcomePart, parameters } from './operation-output';
import { references } from './read-input';
import { signerOf } from './signer';
import { idOf, parseLocalReference, readResource, type AnyReference } from './read-resources';
import { WriteSet, commitWrites } from './write-transaction';

const AUTHOR_SIGNATURE = { system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" };

export const signOperation: OperationDeclaration = {
  definition: iopOperationDefinition('sign'),
  handler: (input, ctx, target) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const signer = signerOf(ctx, input, 'signer');
    const ids = target.id ? [target.id] : references(input, 'note').map((r) => parseLocalReference(r, 'note', 'Composition')[1]);
    if (ids.length === 0) throw badRequest('Name the notes to sign: POST /Composition/{id}/$sign, or `note` references');
    if (new Set(ids).size !== ids.length) throw badRequest('A note is listed twice');
    const writes = new WriteSet();
    const billing = new BillingRun(txCtx, now);
    const provenances: string[] = [];
    for (const id of ids) {
      const note = await readResource<Composition>(txCtx, 'Composition', id);
      if (note.status !== 'preliminary') throw conflict(`Composition/${id} is ${note.status}, not a draft: it is already signed (changes are amendments: $amend)`);
      const amendment = (note.relatesTo ?? []).some((r) => r.code === 'replaces');
      const signed: Composition = {
        ...note,
        meta: { ...note.meta, tag: [...(note.meta?.tag ?? []), SIGNED_TAG] },
        status: amendment ? 'amended' : 'final',
        attester: [...(note.attester ?? []), { mode: 'legal', time: now.toISOString(), party: signer }],
      };
      writes.update(signed);
      provenances.push(writes.create(provenanceFor(note, signer, now)));
      for (const response of await responsesOf(txCtx, note)) {
        if (hasTag(response, SIGNED_TAG)) continue; // an amendment keeps the original's (already signed) answers
        writes.update({ ...response, status: 'completed', meta: { ...response.meta, tag: [...(response.meta?.tag ?? []), SIGNED_TAG] } });
      }
      await billing.bill(await signedSession(txCtx, note, amendment));
    }
    const claims = billing.flush(writes);
    const committed = await commitWrites(txCtx, writes);
    return {
      status: 200,
      body: parameters(
        ...ids.map((id) => out.reference('signed', `Composition/${id}`)),
        ...provenances.map((urn) => out.reference('provenance', committed.locations.get(urn))),
        out.integer('claimsWritten', claims),
        outcomePart([], billing.messages),
      ),
    };
  }),
};

function provenanceFor(note: Composition, signer: AnyReference, now: Date): Provenance {
  const nextVersion = Number(note.meta?.versionId ?? '1') + 1;
  return {
    resourceType: 'Provenance',
    target: [{ reference: `Composition/${note.id}/_history/${nextVersion}` }],
    recorded: now.toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'LA', display: 'legal authenticator' }] },
    agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier' }] }, who: signer }],
    signature: [{ type: [AUTHOR_SIGNATURE], when: now.toISOString(), who: signer, sigFormat: 'text/plain', data: Buffer.from(`Signed Composition/${note.id} version ${nextVersion}`).toString('base64') }],
  };
}

/** The template answers a note was written from (its sections' QuestionnaireResponse entries). */
async function responsesOf(ctx: FhirContext, note: Composition): Promise<QuestionnaireResponse[]> {
  const ids = (note.section ?? []).flatMap((s) => s.entry ?? []).map((e) => idOf(e, 'QuestionnaireResponse')).filter((id): id is string => id !== undefined);
  const responses: QuestionnaireResponse[] = [];
  for (const id of new Set(ids)) responses.push(await readResource<QuestionnaireResponse>(ctx, 'QuestionnaireResponse', id));
  return responses;
}

/** What billing needs: the patient's own encounter, or (an absence note) the patient's Appointment. */
async function signedSession(ctx: FhirContext, note: Composition, amendment: boolean) {
  const patientId = idOf(note.subject, 'Patient')!;
  const encounterId = idOf(note.encounter, 'Encounter');
  const encounter = encounterId ? await readResource<Encounter>(ctx, 'Encounter', encounterId) : undefined;
  const own = encounter && idOf(encounter.subject, 'Patient') === patientId ? encounter : undefined;
  const bookingId = note.event?.flatMap((e) => e.detail ?? []).map((d) => idOf(d, 'Appointment')).find((id) => id !== undefined);
  const booking = !own && bookingId ? await readResource<Appointment>(ctx, 'Appointment', bookingId) : undefined;
  const answersId = note.section?.[0]?.entry?.map((e) => idOf(e, 'QuestionnaireResponse')).find((id) => id !== undefined);
  // Only a medication-management visit takes billing facts from its template (E/M level, psychotherapy minutes).
  const selectsCode = own?.serviceType?.coding?.some((c) => c.system === CS.sessionType && c.code === 'medication-management');
  const answers = selectsCode && answersId ? await readResource<QuestionnaireResponse>(ctx, 'QuestionnaireResponse', answersId) : undefined;
  return { patientId, noteStatus: amendment ? 'amended' as const : 'signed' as const, encounter: own, booking, answers };
}
