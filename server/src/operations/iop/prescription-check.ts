/**
 * Refuses a program prescription that lacks a required element (domain/prescription-rules.ts): a write hook on
 * MedicationRequest, so REST create/update/patch and batch/transaction entries are all checked, and the refusal
 * (422, one issue per missing element) rolls the write back: nothing is stored.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { isProgramPrescription, missingPrescriptionElements } from '../../domain/prescription-rules';
import { FhirError, issue, outcome } from '../../errors';
import type { WriteHook } from '../../fhir/write-hooks';

export const prescriptionCheckHook: WriteHook = {
  name: 'iop-prescription-required-elements',
  resourceType: 'MedicationRequest',
  async afterWrite(_tx, written) {
    const request = written.resource as MedicationRequest;
    if (written.deleted || !isProgramPrescription(request)) return;
    if (request.status === 'entered-in-error') return;
    const missing = missingPrescriptionElements(request);
    if (missing.length > 0) {
      throw new FhirError(422, outcome(...missing.map(([path, message]) => issue('error', 'required', `Prescription refused: ${message}`, [path]))));
    }
  },
};
