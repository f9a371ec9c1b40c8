/**
 * What a prescription of one of our programs must say (issue 15 item 5; profile iop-medication-request): the
 * medication, the patient, when it was written, who wrote it, and dosage instructions a person can read. Pure rules:
 * which prescriptions they apply to, and what a given one is missing.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';

export const MEDICATION_REQUEST_PROFILE = 'http://iop-fhir.org/fhir/StructureDefinition/iop-medication-request';
export const PROGRAM_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/program';

/**
 * The rules apply to prescriptions of our programs: those claiming the profile or naming a program. Records imported
 * from elsewhere (another EHR's medication history, Synthea) are stored as R4 allows.
 */
export function isProgramPrescription(request: MedicationRequest): boolean {
  return (request.meta?.profile ?? []).includes(MEDICATION_REQUEST_PROFILE)
    || (request.extension ?? []).some((e) => e.url === PROGRAM_EXTENSION);
}

/** Every required element the prescription lacks, as [FHIRPath, message]. */
export function missingPrescriptionElements(request: MedicationRequest): [string, string][] {
  const missing: [string, string][] = [];
  const medication = request.medicationCodeableConcept?.coding?.some((c) => c.code) || request.medicationCodeableConcept?.text?.trim() || request.medicationReference?.reference;
  if (!medication) missing.push(['MedicationRequest.medication', 'the medication (medicationCodeableConcept with an RxNorm code, or medicationReference) is required']);
  if (!request.subject?.reference) missing.push(['MedicationRequest.subject', 'the patient (subject) is required']);
  if (!request.authoredOn) missing.push(['MedicationRequest.authoredOn', 'the date written (authoredOn) is required']);
  if (!request.requester?.reference) missing.push(['MedicationRequest.requester', 'the prescriber (requester) is required']);
  const dosage = request.dosageInstruction ?? [];
  if (dosage.length === 0 || dosage.some((d) => !d.text?.trim())) {
    missing.push(['MedicationRequest.dosageInstruction.text', 'dosage instructions as text (dosageInstruction.text, e.g. "50 mg by mouth once daily") are required']);
  }
  return missing;
}
