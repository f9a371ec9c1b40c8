/**
 * The words the portal's privacy section uses for codes a patient should never have to read: purposes of use
 * (v3 ActReason), consent statuses, and the kinds of records a disclosure released ("2 claims, 1 visit").
 */

/** Purposes of use (the v3 ActReason codes a 42 CFR Part 2 consent or a disclosure names), in plain words. */
const PURPOSES = {
  TREAT: 'treatment', ETREAT: 'emergency treatment', BTG: 'emergency access', ERTREAT: 'emergency room treatment',
  CLINTRL: 'care in a clinical trial', COC: 'coordinating your care', POPHLTH: 'population health programs',
  HPAYMT: 'payment (billing your health plan)', CLMATTCH: 'supporting a claim for payment', COVAUTH: 'approval of coverage before a service (prior authorization)',
  COVERAGE: 'managing your health coverage', ELIGDTRM: 'deciding whether you are eligible for coverage', ELIGVER: 'checking your eligibility for coverage',
  ENROLLM: 'enrolling you in a health plan', MILDCRG: 'military discharge', REMITADV: 'payment notices about a claim',
  HOPERAT: 'health care operations', CAREMGT: 'care management', DONAT: 'organ or tissue donation', FRAUD: 'fraud prevention',
  GOV: 'government processes', HACCRED: 'accreditation of the program', HCOMPL: 'meeting legal requirements (compliance)',
  HDECD: 'matters after a death', HDIRECT: 'a patient directory', HDM: 'managing health care delivery', HLEGAL: 'legal proceedings',
  HOUTCOMS: 'measuring health care results', HPRGRP: 'program reporting', HQUALIMP: 'improving the quality of care',
  HSYSADMIN: 'running health care computer systems', LABELING: 'labelling records', METAMGT: 'managing records',
  MEMADMIN: 'administering your health plan membership', MILCDM: 'military command', PATADMIN: 'administering your care',
  PATSFTY: 'patient safety', PERFMSR: 'measuring the quality of care', RECORDMGT: 'managing health records',
  SYSDEV: 'developing health care computer systems', HTEST: 'testing with made-up data', TRAIN: 'training staff', HMARKT: 'marketing',
  HRESCH: 'research', BIORCH: 'biomedical research', CLINTRCH: 'clinical trial research', CLINTRCHNPC: 'clinical trial research',
  CLINTRCHPC: 'clinical trial research', PRECLINTRCH: 'research before a clinical trial', DSRCH: 'research on a disease',
  POARCH: 'research on family origins', TRANSRCH: 'research on new treatments',
  PATRQT: 'your own request', FAMRQT: 'a request by a family member you authorized', PWATRNY: 'a request by your legal representative',
  SUPNWK: 'a request by someone you authorized', PUBHLTH: 'public health reporting', DISASTER: 'care in a disaster',
  THREAT: 'preventing a serious threat to someone\'s safety',
};

/** @param {{ code?: string, display?: string } | undefined} coding */
export function purposeWords(coding) {
  return PURPOSES[coding?.code ?? ''] ?? coding?.display ?? 'another purpose';
}

/** "a, b and c" */
export function joinWords(words) {
  const unique = [...new Set(words.filter(Boolean))];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** Resource types as the records a patient knows them by: [singular, plural]. */
const RECORD_KINDS = {
  Claim: ['claim', 'claims'], ClaimResponse: ['claim decision', 'claim decisions'], ExplanationOfBenefit: ['explanation of benefits', 'explanations of benefits'],
  Coverage: ['insurance record', 'insurance records'], Encounter: ['visit', 'visits'], EpisodeOfCare: ['program enrollment', 'program enrollments'],
  Appointment: ['appointment', 'appointments'], Condition: ['diagnosis', 'diagnoses'], Observation: ['test result or measurement', 'test results and measurements'],
  QuestionnaireResponse: ['questionnaire answer', 'questionnaire answers'], DocumentReference: ['document', 'documents'], Composition: ['note', 'notes'],
  CarePlan: ['treatment plan', 'treatment plans'], Goal: ['treatment goal', 'treatment goals'], ServiceRequest: ['referral or order', 'referrals and orders'],
  Procedure: ['procedure', 'procedures'], MedicationRequest: ['prescription', 'prescriptions'], MedicationStatement: ['medication record', 'medication records'],
  MedicationAdministration: ['medication given', 'medications given'], MedicationDispense: ['medication dispensed', 'medications dispensed'],
  AllergyIntolerance: ['allergy', 'allergies'], Immunization: ['immunization', 'immunizations'], DiagnosticReport: ['lab or test report', 'lab and test reports'],
  Flag: ['alert', 'alerts'], Task: ['task', 'tasks'], Communication: ['message', 'messages'], Provenance: ['signature record', 'signature records'],
  Patient: ['your details', 'your details'], Consent: ['consent', 'consents'],
};

/** Singular and plural words for records of a resource type ("MedicationRequest" → prescription/prescriptions). */
export function recordKind(resourceType) {
  if (RECORD_KINDS[resourceType]) return RECORD_KINDS[resourceType];
  const words = resourceType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return [`${words} record`, `${words} records`];
}

/** What a disclosure released, by kind, most first: ["Claim/1", "Claim/2", "Encounter/3"] → "2 claims, 1 visit". */
export function summariseRecords(references) {
  const counts = new Map();
  for (const reference of references) {
    const type = reference.split('/')[0];
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type, count]) => {
    const [one, many] = recordKind(type);
    if (type === 'Patient') return one;
    return `${count} ${count === 1 ? one : many}`;
  }).join(', ');
}

/** Who a reference names when its resource cannot be read: never the raw reference. */
export function unnamedRecipient(reference) {
  const type = (reference ?? '').split('/')[0];
  return {
    Organization: 'an organization', Practitioner: 'a health care professional', PractitionerRole: 'a health care professional',
    RelatedPerson: 'a person you know', Patient: 'a person', HealthcareService: 'a program', CareTeam: 'a care team',
  }[type] ?? 'someone';
}

/** Security labels a consent provision may name (what it covers), in words. */
const LABELS = {
  '42CFRPart2': 'records protected by 42 CFR Part 2', SUD: 'substance use records', ETH: 'substance use records',
  PSY: 'mental health records', PSYTHPN: 'psychotherapy notes', HIV: 'HIV records', SDV: 'records about sexual or domestic violence',
  SEX: 'records about sexuality and reproductive health', STD: 'records about sexually transmitted infections', GDIS: 'genetic records',
  R: 'restricted records', V: 'very restricted records',
};

export function labelWords(code) {
  return LABELS[code] ?? 'specially protected records';
}
