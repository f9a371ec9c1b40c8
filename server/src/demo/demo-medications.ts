/**
 * The demo's medication lists, where clinically plausible for each patient's diagnosis: an SSRI for recurrent
 * depression (some with trazodone for sleep), escitalopram for generalized anxiety (some with hydroxyzine as needed),
 * quetiapine augmentation for one PHP patient, naltrexone for alcohol dependence in the SUD IOP (a Part 2 program,
 * so those prescriptions are labelled Part 2), and a few patients on no medication. Prescribed by the psychiatrist
 * at admission, with a side-effect check two weeks later. See docs/engagement.md "Medications".
 */
import type { MedicationRequest, Observation, OperationOutcome } from '@medplum/fhirtypes';
import type { FhirContext } from '../fhir/types';
import type { DemoCalendar } from './demo-calendar';
import { postResource } from './demo-operations';
import type { EnrolledDemoPatient } from './demo-sessions';

const IOP = 'http://iop-fhir.org/fhir';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

interface DemoMedication { rxcui: string; ingredient: string; product: string; dose: string }

const SERTRALINE: DemoMedication = { rxcui: '36437', ingredient: 'sertraline', product: 'Sertraline 50 mg tablet', dose: '50 mg by mouth once daily in the morning' };
const ESCITALOPRAM: DemoMedication = { rxcui: '321988', ingredient: 'escitalopram', product: 'Escitalopram 10 mg tablet', dose: '10 mg by mouth once daily' };
const TRAZODONE: DemoMedication = { rxcui: '10737', ingredient: 'trazodone', product: 'Trazodone 50 mg tablet', dose: '50 mg by mouth at bedtime as needed for sleep' };
const HYDROXYZINE: DemoMedication = { rxcui: '5553', ingredient: 'hydroxyzine', product: 'Hydroxyzine 25 mg tablet', dose: '25 mg by mouth up to three times daily as needed for anxiety' };
const QUETIAPINE: DemoMedication = { rxcui: '51272', ingredient: 'quetiapine', product: 'Quetiapine 50 mg tablet', dose: '50 mg by mouth at bedtime' };
const NALTREXONE: DemoMedication = { rxcui: '7243', ingredient: 'naltrexone', product: 'Naltrexone 50 mg tablet', dose: '50 mg by mouth once daily' };

/** A plausible regimen for the demo patient's program and diagnosis (demo-bundle.ts: SUD → F10.20, even → F33.1, odd → F41.1). */
function regimenOf(patient: EnrolledDemoPatient): DemoMedication[] {
  if (patient.index % 5 === 4) return []; // declined medication, or managed by therapy alone
  if (patient.program.key === 'sud-iop') return [NALTREXONE];
  if (patient.index % 2 === 0) {
    const regimen = [patient.index % 4 === 0 ? SERTRALINE : ESCITALOPRAM];
    if (patient.index % 3 === 0) regimen.push(TRAZODONE);
    if (patient.program.key === 'php' && patient.index % 3 === 0) regimen.push(QUETIAPINE);
    return regimen;
  }
  return patient.index % 3 === 0 ? [ESCITALOPRAM, HYDROXYZINE] : [ESCITALOPRAM];
}

function prescription(patient: EnrolledDemoPatient, programId: string, prescriberId: string, medication: DemoMedication, authoredOn: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    meta: { profile: [`${IOP}/StructureDefinition/iop-medication-request`] },
    extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: `HealthcareService/${programId}` } }],
    status: 'active', intent: 'order',
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: medication.rxcui, display: medication.ingredient }], text: medication.product },
    subject: { reference: `Patient/${patient.id}` },
    supportingInformation: [{ reference: `EpisodeOfCare/${patient.episodeId}` }],
    authoredOn, requester: { reference: `Practitioner/${prescriberId}` },
    dosageInstruction: [{ text: medication.dose }],
  };
}

function sideEffectCheck(patient: EnrolledDemoPatient, prescriptionId: string, effect: string, severity: string, when: string): Observation {
  return {
    resourceType: 'Observation',
    meta: { profile: [`${IOP}/StructureDefinition/iop-side-effect-observation`] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: `${IOP}/CodeSystem/medication-side-effect`, code: effect }] },
    subject: { reference: `Patient/${patient.id}` }, effectiveDateTime: when,
    valueCodeableConcept: { coding: [{ system: `${IOP}/CodeSystem/side-effect-severity`, code: severity }] },
    focus: [{ reference: `MedicationRequest/${prescriptionId}` }],
  };
}

/** Returns the number of prescriptions written. */
export async function createDemoMedications(ctx: FhirContext, ids: Map<string, string>, patients: EnrolledDemoPatient[], calendar: DemoCalendar): Promise<number> {
  const prescriberId = ids.get('psychiatrist-1')!;
  let written = 0;
  for (const patient of patients) {
    const programId = ids.get(`program-${patient.program.key}`)!;
    for (const [n, medication] of regimenOf(patient).entries()) {
      const authoredOn = calendar.at(calendar.daysAgo(patient.admittedDaysAgo), '11:00').toISOString();
      const stored = await postResource<MedicationRequest | OperationOutcome>(ctx, 'MedicationRequest', prescription(patient, programId, prescriberId, medication, authoredOn));
      if (stored.resourceType !== 'MedicationRequest') throw new Error(`demo prescription refused: ${JSON.stringify(stored)}`);
      written++;
      // The first medication's two-week side-effect check, once the patient has been in the program that long.
      if (n === 0 && patient.admittedDaysAgo >= 16) {
        const when = calendar.at(calendar.daysAgo(patient.admittedDaysAgo - 14), '11:30').toISOString();
        const effect = medication === NALTREXONE ? 'nausea' : patient.index % 2 === 0 ? 'sedation' : 'insomnia';
        await postResource(ctx, 'Observation', sideEffectCheck(patient, stored.id!, effect, patient.index % 3 === 0 ? 'mild' : 'none', when));
      }
    }
  }
  return written;
}
