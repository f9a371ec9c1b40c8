/**
 * GET /DocumentReference/$education-library: the current items of the patient-education library, for any signed-in
 * caller (a clinician choosing what to assign with $assign-education). R4 puts every DocumentReference in the Patient
 * compartment, so a clinician's token, limited to their patients, cannot search the library; this reads it as the
 * server (libraryReader) and returns only library items (education category, current, no subject), never a
 * patient's copy or any other DocumentReference. The answer is a `collection` Bundle the operation builds, not a
 * `searchset`: the access guard filters an operation's searchset entries by the caller's access again (which would
 * drop every library item for a clinician), and this listing is exactly what the rule above lets anyone see.
 */
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import { isLibraryMaterial, PATIENT_EDUCATION_SYSTEM } from '../../domain/education-assignment';
import type { OperationDeclaration } from '../registry';
import { libraryReader } from './assign-education';
import { iopOperationDefinition } from './operation-support';
import { searchAll } from './read-resources';

export const educationLibraryOperation: OperationDeclaration = {
  definition: iopOperationDefinition('education-library'),
  handler: async (_input, ctx) => {
    const found = await searchAll<DocumentReference>(libraryReader(ctx), 'DocumentReference', {
      category: `${PATIENT_EDUCATION_SYSTEM}|education`, status: 'current', 'subject:missing': 'true',
    });
    const items = found.filter(isLibraryMaterial).sort((a, b) => titleOf(a).localeCompare(titleOf(b)));
    const bundle: Bundle<DocumentReference> = {
      resourceType: 'Bundle', type: 'collection',
      entry: items.map((resource) => ({ fullUrl: `${ctx.baseUrl}/DocumentReference/${resource.id}`, resource })),
    };
    return { status: 200, body: bundle };
  },
};

function titleOf(document: DocumentReference): string {
  return document.content?.[0]?.attachment?.title ?? document.description ?? document.id ?? '';
}
