/** The codes the forms offer (our terminology/ CodeSystems), as [code, label] pairs. */
const IOP = 'http://iop-fhir.org/fhir/CodeSystem';

export const SYSTEMS = {
  modality: `${IOP}/therapy-modality`,
  participation: `${IOP}/group-participation`,
  response: `${IOP}/intervention-response`,
  riskLevel: `${IOP}/risk-level`,
  absenceReason: `${IOP}/absence-reason`,
};

export const ATTENDANCE_STATUSES = [
  ['present', 'Present'], ['late-arrival', 'Late'], ['left-early', 'Left early'], ['late-and-left-early', 'Late and left early'],
  ['absent-excused', 'Absent (excused)'], ['absent-unexcused', 'Absent (unexcused)'],
];
export const ATTENDED = new Set(['present', 'late-arrival', 'left-early', 'late-and-left-early']);
export const PARTIAL = new Set(['late-arrival', 'left-early', 'late-and-left-early']);

export const ABSENCE_REASONS = [
  ['', '(not given)'], ['illness', 'Patient ill'], ['medical-appointment', 'Other medical appointment'], ['hospitalized', 'Hospitalized'],
  ['transportation', 'No transportation'], ['childcare', 'No childcare'], ['work-school-conflict', 'Work or school conflict'],
  ['family-emergency', 'Family emergency'], ['weather', 'Weather or travel'], ['technology', 'Telehealth connection failure'],
  ['declined', 'Declined to attend'], ['no-contact', 'No contact'], ['other', 'Other'],
];

export const MODALITIES = [
  ['cbt', 'Cognitive behavioral therapy'], ['dbt', 'Dialectical behavior therapy skills'], ['act', 'Acceptance and commitment therapy'],
  ['mi', 'Motivational interviewing'], ['relapse-prevention', 'Relapse prevention'], ['psychoeducation', 'Psychoeducation'],
  ['mindfulness', 'Mindfulness'], ['ipt', 'Interpersonal therapy'], ['solution-focused', 'Solution-focused therapy'],
  ['trauma-informed', 'Trauma-informed skills'], ['twelve-step-facilitation', 'Twelve-step facilitation'], ['supportive', 'Supportive therapy'],
  ['process-group', 'Process group'], ['expressive', 'Expressive / activity-based therapy'],
];

export const PARTICIPATION = [
  ['active', 'Active: initiated and responded'], ['engaged', 'Engaged when prompted'], ['minimal', 'Minimal participation'],
  ['withdrawn', 'Withdrawn / did not participate'], ['disruptive', 'Disruptive'],
];

export const RESPONSES = [
  ['receptive', 'Receptive, applied the skills'], ['partially-receptive', 'Partially receptive'], ['ambivalent', 'Ambivalent'],
  ['resistant', 'Resistant'], ['unable', 'Unable to engage'],
];

export const RISK_LEVELS = [['', '(not assessed)'], ['none', 'No risk identified'], ['low', 'Low'], ['moderate', 'Moderate'], ['high', 'High'], ['imminent', 'Imminent']];

export function labelFor(list, code) {
  return list.find(([value]) => value === code)?.[1] ?? code;
}

export function coding(system, list, code) {
  return { system, code, display: labelFor(list, code) };
}
