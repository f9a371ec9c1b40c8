/**
 * POST /DocumentReference/$assign-education with a library item (`material`) and a `patient`: the patient's own copy of the material and a
 * Task asking them to read it (completed by the portal when they have: the read receipt). Only to a patient the
 * caller can reach: the patient is read with the caller's access, so one outside it is refused (404, as any read of
 * a record the caller may not see) and nothing is written. The library item itself is read as the server
 * (libraryReader). One transaction.
 */
import type { DocumentReference, EpisodeOfCare, Patient } from '@medplum/fhirtypes';
import { systemAccess } from '../../auth/access-context';
import { buildReadingTask, isLibraryMaterial, patientCopyOf } from '../../domain/education-assignment';
import { badRequest, FhirError, notFound, unprocessable } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { OperationDeclaration } from '../registry';
import { iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { optionalReference } from './read-input';
import { idOf, parseLocalReference, readResource, searchAll, type AnyReference } from './read-resources';
import type { OperationInput } from '../operation-input';
import { WriteSet, commitWrites } from './write-transaction';

export const assignEducationOperation: OperationDeclaration = {
  definition: iopOperationDefinition('assign-education'),
  handler: (input, ctx) => ctx.repo.transaction(async (tx) => {
    const txCtx = { ...ctx, repo: tx };
    const now = nowOf(ctx);
    const [, materialId] = parseLocalReference(optionalReference(input, 'material'), 'material', 'DocumentReference');
    const material = await readResource<DocumentReference>(libraryReader(txCtx), 'DocumentReference', materialId);
    if (!isLibraryMaterial(material)) throw unprocessable(`DocumentReference/${material.id} is not current education material of the library (category education, no subject)`);
    const patientReference = optionalReference(input, 'patient');
    if (!patientReference) throw badRequest('patient (a Reference to the Patient) is required');
    const [, patientId] = parseLocalReference(patientReference, 'patient', 'Patient');
    await requireReachablePatient(txCtx, patientId);
    const requester = (optionalReference(input, 'requester') as AnyReference | undefined) ?? requesterOf(ctx);

    const enrollments = await enrollmentsOf(txCtx, input, patientId);

    const writes = new WriteSet();
    const copy = writes.create(patientCopyOf(material, patientId, enrollments, now));
    const title = material.content?.[0]?.attachment?.title ?? material.description ?? 'Education material';
    const task = writes.create(buildReadingTask({ patientId, copy: { reference: copy }, title, requester, note: input.string('note')?.trim() || undefined, enrollments, now }));
    const committed = await commitWrites(txCtx, writes);
    return {
      status: 200,
      body: parameters(out.reference('task', committed.locations.get(task)), out.reference('material', committed.locations.get(copy))),
    };
  }),
};

/**
 * The library is the organisation's content, not patient data, but R4 puts every DocumentReference in the Patient
 * compartment, so a clinician's token (restricted to their patients) cannot read an item with no subject. The
 * operation reads the library item as the server; what it writes is checked against the caller's own access.
 */
export function libraryReader(ctx: FhirContext): FhirContext {
  return { ...ctx, access: systemAccess(ctx.access?.audit), readRowFilter: undefined, searchRowFilter: undefined, historyRowFilter: undefined };
}

/** The patient, read with the caller's access: outside it the read fails, and so does the assignment. */
async function requireReachablePatient(ctx: FhirContext, patientId: string): Promise<void> {
  try {
    const patient = await readResource<Patient>(ctx, 'Patient', patientId);
    if (patient?.resourceType === 'Patient') return;
  } catch (err) {
    if (!(err instanceof FhirError) || (err.status !== 404 && err.status !== 403 && err.status !== 410)) throw err;
  }
  throw notFound(`Patient/${patientId} is not a patient you can reach: education is assigned only to patients of your programs`);
}

/**
 * The enrollments the assignment belongs to: the one given (`enrollment`), else the patient's active enrollments the
 * caller can see. They make the assignment part of the program's record, so Part 2 labelling applies to it.
 */
async function enrollmentsOf(ctx: FhirContext, input: OperationInput, patientId: string): Promise<string[]> {
  const given = optionalReference(input, 'enrollment');
  if (given) {
    const [, id] = parseLocalReference(given, 'enrollment', 'EpisodeOfCare');
    const episode = await readResource<EpisodeOfCare>(ctx, 'EpisodeOfCare', id);
    if (idOf(episode.patient, 'Patient') !== patientId) throw unprocessable(`EpisodeOfCare/${id} is not an enrollment of Patient/${patientId}`);
    return [`EpisodeOfCare/${id}`];
  }
  const active = await searchAll<EpisodeOfCare>(ctx, 'EpisodeOfCare', { patient: `Patient/${patientId}`, status: 'active' });
  return active.map((e) => `EpisodeOfCare/${e.id}`).sort();
}

/** The caller's own Practitioner (or PractitionerRole), when the token is a clinician's. */
function requesterOf(ctx: FhirContext): AnyReference | undefined {
  const fhirUser = ctx.access?.principal.fhirUser;
  return fhirUser && /^(Practitioner|PractitionerRole)\//.test(fhirUser) ? { reference: fhirUser } : undefined;
}
