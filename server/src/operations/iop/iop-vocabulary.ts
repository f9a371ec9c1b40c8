/**
 * The URLs and code systems the IOP operations write: our extensions and profiles (profiles/), our code systems
 * (terminology/; tests/unit/iop-vocabulary.test.ts checks that every one, and every code the domain writes with
 * it, is defined there), and the identifier systems that carry the domain's deterministic keys (so a re-run finds what
 * an earlier run created, through conditional creates).
 */
import type { CodeableConcept, Coding, Extension, Identifier, Resource } from '@medplum/fhirtypes';
import { terminology } from '../../terminology/terminology-store';

const BASE = 'http://iop-fhir.org/fhir';

export const EXT = {
  program: `${BASE}/StructureDefinition/program`,
  levelOfCare: `${BASE}/StructureDefinition/level-of-care`,
  part2Program: `${BASE}/StructureDefinition/part2-program`,
  admissionType: `${BASE}/StructureDefinition/admission-type`,
  previousEpisode: `${BASE}/StructureDefinition/previous-episode`,
  dischargeReason: `${BASE}/StructureDefinition/discharge-reason`,
  sessionAppointment: `${BASE}/StructureDefinition/session-appointment`,
  attendanceStatus: `${BASE}/StructureDefinition/attendance-status`,
  minutesAttended: `${BASE}/StructureDefinition/minutes-attended`,
  enrollment: `${BASE}/StructureDefinition/enrollment`,
  /** On a CareTeam participant the server derived from the enrolment (and keeps current); people's additions lack it. */
  careTeamSynced: `${BASE}/StructureDefinition/care-team-synced`,
  riskEvidence: `${BASE}/StructureDefinition/risk-evidence`,
  authorizedUnits: `${BASE}/StructureDefinition/authorized-units`,
  nextReviewDate: `${BASE}/StructureDefinition/next-review-date`,
  /** A session or program that meets online (join address, channel, platform): docs/engagement.md "Telehealth". */
  virtualService: `${BASE}/StructureDefinition/virtual-service`,
  /** How an attending patient took part (in person, video, audio only), on the attendance Encounter. */
  sessionModality: `${BASE}/StructureDefinition/session-modality`,
  telehealthPatientAtHome: `${BASE}/StructureDefinition/telehealth-patient-at-home`,
} as const;

export const PROFILE = {
  program: `${BASE}/StructureDefinition/iop-program`,
  enrollment: `${BASE}/StructureDefinition/iop-enrollment`,
  groupSessionAppointment: `${BASE}/StructureDefinition/iop-group-session-appointment`,
  patientSessionAppointment: `${BASE}/StructureDefinition/iop-patient-session-appointment`,
  groupSessionEncounter: `${BASE}/StructureDefinition/iop-group-session-encounter`,
  sessionAttendance: `${BASE}/StructureDefinition/iop-session-attendance`,
  sessionNote: `${BASE}/StructureDefinition/iop-session-note`,
  assessmentResponse: `${BASE}/StructureDefinition/iop-assessment-response`,
  scoreObservation: `${BASE}/StructureDefinition/iop-score-observation`,
  riskFlag: `${BASE}/StructureDefinition/iop-risk-flag`,
  claim: `${BASE}/StructureDefinition/iop-claim`,
} as const;

export const CS = {
  sessionType: `${BASE}/CodeSystem/session-type`,
  attendanceStatus: `${BASE}/CodeSystem/attendance-status`,
  sessionModality: `${BASE}/CodeSystem/session-modality`,
  absenceReason: `${BASE}/CodeSystem/absence-reason`,
  admissionType: `${BASE}/CodeSystem/admission-type`,
  dischargeReason: `${BASE}/CodeSystem/discharge-reason`,
  programType: `${BASE}/CodeSystem/program-type`,
  payerClass: `${BASE}/CodeSystem/payer-class`,
  riskFlagType: `${BASE}/CodeSystem/risk-flag-type`,
  noteKind: `${BASE}/CodeSystem/note-kind`,
  noteSection: `${BASE}/CodeSystem/note-section`,
  scoreSeverity: `${BASE}/CodeSystem/score-severity`,
  claimInformationCategory: `${BASE}/CodeSystem/claim-information-category`,
  /** Task codes (attendance-outreach, suicide-risk-assessment, certification, …). */
  taskCode: `${BASE}/CodeSystem/task-code`,
  /** Where a program runs, for billing (FacilitySetting of domain/billing-types.ts). */
  facilitySetting: `${BASE}/CodeSystem/facility-setting`,
  /** meta.tag marking a signed record: later changes are refused (note-lock.ts). */
  recordLock: `${BASE}/CodeSystem/record-lock`,
  typeOfBill: 'https://www.nubc.org/CodeSystem/TypeOfBill',
  conditionCodes: 'https://www.nubc.org/CodeSystem/ConditionCodes',
  revenueCodes: 'https://www.nubc.org/CodeSystem/RevenueCodes',
  placeOfService: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
} as const;

/** Identifier systems whose values are domain keys (see keyIdentifier). */
export const ID = {
  sessionOccurrence: `${BASE}/identifier/session-occurrence`,
  patientBooking: `${BASE}/identifier/patient-booking`,
  complianceObligation: `${BASE}/identifier/compliance-obligation`,
  attendanceFlag: `${BASE}/identifier/attendance-flag`,
  outreachTask: `${BASE}/identifier/attendance-outreach`,
  riskFlag: `${BASE}/identifier/risk-flag`,
  riskTask: `${BASE}/identifier/risk-task`,
  score: `${BASE}/identifier/score`,
  sessionNote: `${BASE}/identifier/session-note`,
  claim: `${BASE}/identifier/claim`,
  certification: `${BASE}/identifier/certification`,
  planReview: `${BASE}/identifier/plan-review`,
} as const;

export const SIGNED_TAG: Coding = { system: CS.recordLock, code: 'signed', display: 'Signed: changes only by amendment' };

/**
 * Domain keys join their parts with '|', which a token search reads as the system separator; identifier values
 * use '~' instead, so a key can be found with `identifier=<system>|<value>`.
 */
export function keyValue(key: string): string {
  return key.replaceAll('|', '~');
}

export function keyIdentifier(system: string, key: string): Identifier {
  return { system, value: keyValue(key) };
}

/** The `identifier=system|value` criteria of a conditional create. */
export function identifierCriteria(identifier: Identifier): string {
  return `identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`;
}

export function findExtension(resource: { extension?: Extension[] } | undefined, url: string): Extension | undefined {
  return resource?.extension?.find((e) => e.url === url);
}

export function codingOf(concept: CodeableConcept | undefined, system: string): Coding | undefined {
  return concept?.coding?.find((c) => c.system === system);
}

export function hasTag(resource: Resource, tag: Coding): boolean {
  return (resource.meta?.tag ?? []).some((t) => t.system === tag.system && t.code === tag.code);
}

export function isKnownCode(system: string, code: string | undefined): boolean {
  return code !== undefined && terminology().codeSystemIndex(system)?.get(code) !== undefined;
}

