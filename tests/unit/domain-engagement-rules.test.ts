import type { DocumentReference, MedicationRequest } from '@medplum/fhirtypes';
import { buildReadingTask, isLibraryMaterial, patientCopyOf } from '../../server/src/domain/education-assignment';
import { isProgramPrescription, missingPrescriptionElements } from '../../server/src/domain/prescription-rules';
import { attendedModalityOf, modalityOfVirtualService } from '../../server/src/operations/iop/session-modality';

const IOP = 'http://iop-fhir.org/fhir';

describe('prescription rules', () => {
  const complete: MedicationRequest = {
    resourceType: 'MedicationRequest', status: 'active', intent: 'order', extension: [{ url: `${IOP}/StructureDefinition/program`, valueReference: { reference: 'HealthcareService/p' } }],
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '36437' }] },
    subject: { reference: 'Patient/a' }, authoredOn: '2026-03-01', requester: { reference: 'Practitioner/d' }, dosageInstruction: [{ text: '50 mg daily' }],
  };

  test('apply to prescriptions naming a program or claiming the profile, not to imported records', () => {
    expect(isProgramPrescription(complete)).toBe(true);
    expect(isProgramPrescription({ ...complete, extension: undefined })).toBe(false);
    expect(isProgramPrescription({ ...complete, extension: undefined, meta: { profile: [`${IOP}/StructureDefinition/iop-medication-request`] } })).toBe(true);
  });

  test('name every missing element', () => {
    expect(missingPrescriptionElements(complete)).toEqual([]);
    const { requester: _r, authoredOn: _a, ...partial } = complete;
    expect(missingPrescriptionElements({ ...partial, dosageInstruction: [{ text: '50 mg daily' }, { timing: {} }], medicationCodeableConcept: { text: ' ' } }).map(([path]) => path)).toEqual([
      'MedicationRequest.medication', 'MedicationRequest.authoredOn', 'MedicationRequest.requester', 'MedicationRequest.dosageInstruction.text',
    ]);
  });
});

describe('education assignment', () => {
  const library: DocumentReference = {
    resourceType: 'DocumentReference', id: 'education-sleep', identifier: [{ value: 'sleep' }], status: 'current',
    category: [{ coding: [{ system: `${IOP}/CodeSystem/patient-education`, code: 'education' }] }],
    content: [{ attachment: { contentType: 'text/plain', title: 'Sleep', data: 'U2xlZXA=' } }],
  };

  test('the library item, the patient\'s copy and the reading Task', () => {
    expect(isLibraryMaterial(library)).toBe(true);
    const copy = patientCopyOf(library, 'a', ['EpisodeOfCare/e'], new Date('2026-03-01T10:00:00Z'));
    expect(isLibraryMaterial(copy)).toBe(false);
    expect(copy).toMatchObject({ subject: { reference: 'Patient/a' }, relatesTo: [{ code: 'transforms', target: { reference: 'DocumentReference/education-sleep' } }], context: { related: [{ reference: 'EpisodeOfCare/e' }] } });
    expect(copy.id).toBeUndefined();
    expect(copy.identifier).toBeUndefined();
    const task = buildReadingTask({ patientId: 'a', copy: { reference: 'urn:uuid:1' }, title: 'Sleep', enrollments: [], now: new Date('2026-03-01T10:00:00Z') });
    expect(task).toMatchObject({ status: 'requested', for: { reference: 'Patient/a' }, owner: { reference: 'Patient/a' }, focus: { reference: 'urn:uuid:1' }, description: 'Read: Sleep' });
    expect(task.basedOn).toBeUndefined();
  });
});

describe('session modality', () => {
  const service = (channel: string) => ({ url: `${IOP}/StructureDefinition/virtual-service`, extension: [{ url: 'channel', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: channel } }] });

  test('from the session\'s virtual service, and from a recorded attendance (older ones by class VR)', () => {
    expect(modalityOfVirtualService(undefined)).toBe('in-person');
    expect(modalityOfVirtualService(service('VIDEOCONF'))).toBe('video');
    expect(modalityOfVirtualService(service('PHONE'))).toBe('audio-only');
    expect(attendedModalityOf({ resourceType: 'Encounter', status: 'finished', class: { code: 'VR' } })).toEqual({ modality: 'video', patientAtHome: false });
    expect(attendedModalityOf({ resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } })).toEqual({ modality: 'in-person', patientAtHome: false });
    expect(attendedModalityOf({
      resourceType: 'Encounter', status: 'finished', class: { code: 'VR' },
      extension: [{ url: `${IOP}/StructureDefinition/session-modality`, valueCoding: { code: 'audio-only' } }, { url: `${IOP}/StructureDefinition/telehealth-patient-at-home`, valueBoolean: false }],
    })).toEqual({ modality: 'audio-only', patientAtHome: false });
  });
});
