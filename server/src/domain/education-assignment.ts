/**
 * Patient education as data (issue 15 item 3): what a library item is, the patient's own copy an assignment makes,
 * and the Task that asks the patient to read it (completed = read receipt, with the time read). Pure functions.
 */
import type { DocumentReference, Reference, Task } from '@medplum/fhirtypes';

type Requester = Task['requester'];

export const PATIENT_EDUCATION_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/patient-education';
export const EDUCATION_PROFILE = 'http://iop-fhir.org/fhir/StructureDefinition/iop-education-material';

export function isEducationMaterial(document: DocumentReference): boolean {
  return (document.category ?? []).some((c) => (c.coding ?? []).some((x) => x.system === PATIENT_EDUCATION_SYSTEM && x.code === 'education'));
}

/** A library item: education material addressed to nobody in particular, current. */
export function isLibraryMaterial(document: DocumentReference): boolean {
  return isEducationMaterial(document) && !document.subject && document.status === 'current';
}

/** The patient's own copy: the same text, addressed to them, pointing back at the library item. */
/**
 * The patient's own copy: the same text, addressed to them, pointing back at the library item and at the
 * enrollments it was assigned in (context.related), so that material assigned in a 42 CFR Part 2 program is
 * labelled Part 2 like the program's other records.
 */
export function patientCopyOf(material: DocumentReference, patientId: string, enrollments: readonly string[], now: Date): DocumentReference {
  const { id, meta: _meta, identifier: _identifier, context: _context, ...content } = material;
  return {
    ...content,
    meta: { profile: [EDUCATION_PROFILE] },
    subject: { reference: `Patient/${patientId}` },
    date: now.toISOString(),
    relatesTo: [{ code: 'transforms', target: { reference: `DocumentReference/${id}` } }],
    ...(enrollments.length ? { context: { related: enrollments.map((reference) => ({ reference })) } } : {}),
  };
}

export interface AssignmentInput {
  patientId: string;
  copy: Reference;
  title: string;
  requester?: Requester;
  note?: string;
  /** The patient's enrollments (EpisodeOfCare references) the assignment belongs to: Task.basedOn. */
  enrollments: readonly string[];
  now: Date;
}

export function buildReadingTask(input: AssignmentInput): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: PATIENT_EDUCATION_SYSTEM, code: 'read-education', display: 'Read assigned education material' }] },
    description: `Read: ${input.title}`,
    focus: input.copy,
    for: { reference: `Patient/${input.patientId}` },
    owner: { reference: `Patient/${input.patientId}` },
    authoredOn: input.now.toISOString(),
    ...(input.enrollments.length ? { basedOn: input.enrollments.map((reference) => ({ reference })) } : {}),
    ...(input.requester ? { requester: input.requester } : {}),
    ...(input.note ? { note: [{ text: input.note, time: input.now.toISOString() }] } : {}),
  };
}
